import fs from "node:fs";

/** Removes this run's data folder (the server has stopped or is stopping; nothing reads it). */
export default function globalTeardown() {
  const dir = process.env.SWITCHBACK_E2E_DATA_DIR;
  if (dir && dir.includes("switchback-e2e-")) fs.rmSync(dir, { recursive: true, force: true });
}
