import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig, type AppConfig } from "@/lib/config";

/** A fixed secret for tests, so tokens minted with next-auth/jwt `encode` verify in the app. */
export const TEST_AUTH_SECRET = "switchback-test-secret-0123456789abcdef";

type SwitchbackGlobals = typeof globalThis & {
  __switchbackConfig?: AppConfig;
  __switchbackAuthSecret?: string;
};

/** A fresh temporary folder, removed by the returned function. */
export function makeTempDir(prefix = "switchback-test-"): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Points the process-wide `config()` at a configuration built from `overrides` (on top of a
 * quiet, test-only base), and forgets any cached auth secret so `authSecret()` re-reads it.
 */
export function installTestConfig(overrides: Record<string, string | undefined> = {}): AppConfig {
  const g = globalThis as SwitchbackGlobals;
  const c = loadConfig({
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    AUTH_SECRET: TEST_AUTH_SECRET,
    ...overrides,
  } as NodeJS.ProcessEnv);
  g.__switchbackConfig = c;
  g.__switchbackAuthSecret = undefined;
  return c;
}
