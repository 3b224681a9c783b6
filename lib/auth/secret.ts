import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { config } from "../config";

const g = globalThis as typeof globalThis & { __switchbackAuthSecret?: string };

/**
 * AUTH_SECRET, or a random secret generated once and kept in the data folder, so sessions
 * survive restarts without a secret ever living in the source.
 */
export function authSecret(): string {
  if (g.__switchbackAuthSecret) return g.__switchbackAuthSecret;
  const c = config();
  let secret = c.AUTH_SECRET;
  if (!secret) {
    const file = path.join(c.dataDir, "auth-secret");
    fs.mkdirSync(c.dataDir, { recursive: true });
    try {
      // "wx": when two processes race, one writes and both read the winner's secret.
      fs.writeFileSync(file, crypto.randomBytes(32).toString("base64url"), { flag: "wx", mode: 0o600 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    secret = fs.readFileSync(file, "utf8").trim();
  }
  return (g.__switchbackAuthSecret = secret);
}
