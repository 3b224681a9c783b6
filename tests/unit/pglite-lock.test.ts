import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { acquirePgliteLock } from "@/lib/db/pglite-lock";
import { makeTempDir } from "../helpers/env";

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function tempLockPath(): string {
  const tmp = makeTempDir("switchback-lock-");
  cleanups.push(tmp.remove);
  return path.join(tmp.dir, "pglite.lock");
}

/** A second process that takes the lock through the app's code and holds it until killed. */
async function holdLockInAnotherProcess(lockPath: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "-e",
      `import("./lib/db/pglite-lock.ts").then((m) => { m.acquirePgliteLock(${JSON.stringify(lockPath)}); console.log("locked"); setInterval(() => {}, 1000); })`,
    ],
    { cwd: process.cwd(), stdio: ["ignore", "pipe", "inherit"] },
  );
  cleanups.push(() => child.kill("SIGKILL"));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("locked") && resolve());
    child.once("exit", (code) => reject(new Error(`lock holder exited early with ${code}`)));
  });
  return child;
}

describe("PGlite lock", () => {
  it("writes this process's PID and removes the file on release", () => {
    const lockPath = tempLockPath();
    const release = acquirePgliteLock(lockPath);
    expect(fs.readFileSync(lockPath, "utf8")).toBe(String(process.pid));
    release();
    expect(fs.existsSync(lockPath)).toBe(false);
  });

  it("refuses a second opener while another live process holds the lock", async () => {
    const lockPath = tempLockPath();
    const holder = await holdLockInAnotherProcess(lockPath);
    expect(() => acquirePgliteLock(lockPath)).toThrow(
      new RegExp(`embedded database is in use by process ${holder.pid}.*Stop that process, or set PGLITE_DIR or DATABASE_URL`),
    );
    // The holder's lock is left alone.
    expect(fs.readFileSync(lockPath, "utf8")).toBe(String(holder.pid));
  });

  it("takes over a lock left by a process that no longer exists", () => {
    const lockPath = tempLockPath();
    const gone = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
    const deadPid = Number(gone.stdout.trim());
    expect(deadPid).toBeGreaterThan(0);
    fs.writeFileSync(lockPath, String(deadPid));

    const release = acquirePgliteLock(lockPath);
    expect(fs.readFileSync(lockPath, "utf8")).toBe(String(process.pid));
    release();
  });

  it("does not delete a lock another process took after ours was released", () => {
    const lockPath = tempLockPath();
    const release = acquirePgliteLock(lockPath);
    fs.writeFileSync(lockPath, "424242");
    release();
    expect(fs.readFileSync(lockPath, "utf8")).toBe("424242");
  });
});
