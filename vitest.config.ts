import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  resolve: { alias: { "@": root } },
  test: {
    include: ["tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts"],
    environment: "node",
    // A child process per test file: config, database and auth secret live on globalThis, so
    // each file gets its own, and a native module (PGlite, argon2) cannot leak across files.
    pool: "forks",
    // Two cores: two files at a time. Integration files start PGlite (~5 s) or a whole server.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    // Keep test output readable: the app logs JSON lines at info by default.
    env: { LOG_LEVEL: "silent" },
  },
});
