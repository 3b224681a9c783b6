import fs from "node:fs";
import { deleteRedisKeys } from "../helpers/redis";

/** Removes this run's data folder and Redis keys (the server has stopped or is stopping). */
export default async function globalTeardown() {
  const dir = process.env.SWITCHBACK_E2E_DATA_DIR;
  if (dir && dir.includes("switchback-e2e-")) fs.rmSync(dir, { recursive: true, force: true });
  const prefix = process.env.SWITCHBACK_E2E_REDIS_PREFIX;
  if (process.env.REDIS_URL && prefix?.startsWith("switchback-e2e-")) await deleteRedisKeys(process.env.REDIS_URL, prefix);
}
