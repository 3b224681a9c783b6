import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

/**
 * Browser tests against the production build on the real custom server, in Debian's Chromium.
 * `npm test` builds first; on its own, run `npx next build` before `npx playwright test`.
 */
const PORT = Number(process.env.E2E_PORT ?? 3210);
const BASE_URL = `http://127.0.0.1:${PORT}`;

// One fresh data folder per run. Workers load this file again: they inherit the variable.
process.env.SWITCHBACK_E2E_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), "switchback-e2e-"));
const DATA_DIR = process.env.SWITCHBACK_E2E_DATA_DIR;
// With REDIS_URL (CI), this run's topics live under keys of its own, removed at the end.
process.env.SWITCHBACK_E2E_REDIS_PREFIX ??= `switchback-e2e-${path.basename(DATA_DIR).replace(/^switchback-e2e-/, "")}:`;

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results/e2e",
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json", { outputFile: "test-results/playwright.json" }]],
  globalTeardown: "./tests/e2e/global-teardown.ts",
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: CHROMIUM,
          args: [
            "--no-sandbox",
            "--headless",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-quic",
            "--no-first-run",
            "--disable-component-update",
            "--disable-sync",
          ],
        },
      },
    },
  ],
  webServer: {
    command: "node --import tsx server/main.ts",
    url: `${BASE_URL}/api/v1/realtime/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(PORT),
      DATA_DIR,
      LOG_LEVEL: "warn",
      // Always the embedded database, fresh for this run, whatever the shell has set.
      DATABASE_URL: "",
      PGLITE_DIR: path.join(DATA_DIR, "pglite"),
      REDIS_PREFIX: process.env.SWITCHBACK_E2E_REDIS_PREFIX,
    },
  },
});
