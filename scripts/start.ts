/**
 * `npm start`: production mode, building first when there is no build or the sources are
 * newer than it, so a fresh checkout (or a pulled change) runs with one command.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const BUILD_ID = path.join(process.cwd(), ".next", "BUILD_ID");
const SOURCES = ["app", "lib", "public", "proxy.ts", "next.config.ts", "package.json", "postcss.config.mjs"];

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(p).reduce((max, name) => Math.max(max, newestMtime(path.join(p, name))), stat.mtimeMs);
}

function buildIsCurrent(): boolean {
  if (!fs.existsSync(BUILD_ID)) return false;
  const built = fs.statSync(BUILD_ID).mtimeMs;
  return SOURCES.every((s) => newestMtime(s) <= built);
}

if (!buildIsCurrent()) {
  console.log("Building Switchback for production (once, or after a change)…");
  const result = spawnSync("npx", ["next", "build"], { stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

Object.assign(process.env, { NODE_ENV: "production" });
await import("../server/main");
