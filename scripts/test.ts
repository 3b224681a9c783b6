/**
 * `npm test`: a production build (so the browser tests see the current code), then vitest
 * (unit and integration), then Playwright. Every stage runs even when an earlier test stage
 * failed, so one run shows all failures; the exit code is non-zero if any stage failed.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const REPORTS = path.join(process.cwd(), "test-results");
const VITEST_JSON = path.join(REPORTS, "vitest.json");
const PLAYWRIGHT_JSON = path.join(REPORTS, "playwright.json");

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

function run(title: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): boolean {
  console.log(`\n▶ ${title}: ${command} ${args.join(" ")}\n`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: "inherit", env });
  const ok = result.status === 0;
  console.log(`\n${ok ? "✔" : "✘"} ${title} ${ok ? "passed" : `failed (exit ${result.status ?? result.signal})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return ok;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

function vitestCounts(): Counts | undefined {
  const r = readJson(VITEST_JSON) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number } | undefined;
  return r && { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests };
}

function playwrightCounts(): Counts | undefined {
  const r = readJson(PLAYWRIGHT_JSON) as { stats?: { expected: number; unexpected: number; flaky: number; skipped: number } } | undefined;
  return r?.stats && { passed: r.stats.expected + r.stats.flaky, failed: r.stats.unexpected, skipped: r.stats.skipped };
}

fs.mkdirSync(REPORTS, { recursive: true });
for (const f of [VITEST_JSON, PLAYWRIGHT_JSON]) fs.rmSync(f, { force: true });

const npx = process.platform === "win32" ? "npx.cmd" : "npx";
const built = run("next build", npx, ["next", "build"], { ...process.env, NODE_ENV: "production" });
if (!built) {
  console.error("\nThe production build failed: the server and browser tests need it. Fix the build first.");
  console.log("0 passed, 1 failed");
  process.exit(1);
}

const vitestOk = run("vitest (unit and integration)", npx, [
  "vitest",
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${VITEST_JSON}`,
]);
const vitest = vitestCounts();

const playwrightOk = run("playwright (browser)", npx, ["playwright", "test"]);
const playwright = playwrightCounts();

const total: Counts = { passed: 0, failed: 0, skipped: 0 };
for (const [name, counts, ok] of [
  ["vitest", vitest, vitestOk],
  ["playwright", playwright, playwrightOk],
] as const) {
  if (counts) {
    console.log(`${name}: ${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ""}`);
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.skipped += counts.skipped;
  } else {
    console.log(`${name}: no report (${ok ? "exited 0" : "failed before reporting"})`);
  }
  // A runner that failed without a failing test (crash, setup error) still counts as a failure.
  if (!ok && (!counts || counts.failed === 0)) total.failed += 1;
}
const ranNothing = total.passed + total.failed === 0;
console.log(`\n${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ""}`);
process.exit(vitestOk && playwrightOk && !ranNothing ? 0 : 1);
