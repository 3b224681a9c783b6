import { expect, test, type Browser, type Page } from "@playwright/test";
import { startServer, type RunningServer } from "../helpers/server";
import { DEMO, expectLive, signIn } from "./support/session";

/**
 * Live data in a real browser, against a server of its own whose market ticks ten times a
 * second (so strategies trade within seconds) and whose backtests take a few seconds.
 */

// One server, tests in order in one worker.
test.describe.configure({ mode: "default" });

const POLLING_MS = 3_000;
/** The polling rung fetches signals at twice the user's interval (lib/client polling schedule). */
const SIGNALS_POLL_MS = 2 * POLLING_MS;

let server: RunningServer;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  server = await startServer({
    env: {
      PRODUCERS: "market,strategies,backtests,notifications",
      MARKET_TICK_MS: "100",
      MARKET_BACKFILL_MINUTES: "0",
      STRATEGIES_INTERVAL_MS: "1000",
      BACKTEST_DURATION_MS: "6000",
    },
  });
});

test.afterAll(async () => {
  await server?.dispose();
});

async function signedIn(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: server.url });
  const page = await context.newPage();
  await signIn(page, DEMO);
  return page;
}

async function setMode(page: Page, mode: "auto" | "websocket" | "sse" | "polling") {
  const res = await page.request.put("/api/v1/me/settings", { data: { mode, pollingIntervalMs: POLLING_MS } });
  expect(res.status(), await res.text()).toBe(200);
}

/**
 * From now on, notes when each signal row first appears in the page (Date.now(), the same
 * clock as the server's created_at on this machine).
 */
async function recordArrivals(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __arrivals: Record<string, { at: number; createdAt: string }> };
    w.__arrivals = {};
    const known = new Set([...document.querySelectorAll("[data-signal-id]")].map((el) => el.getAttribute("data-signal-id")));
    new MutationObserver(() => {
      for (const el of document.querySelectorAll("[data-signal-id]")) {
        const id = el.getAttribute("data-signal-id")!;
        if (known.has(id) || w.__arrivals[id]) continue;
        w.__arrivals[id] = { at: Date.now(), createdAt: el.getAttribute("data-created-at")! };
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
}

async function arrivalDelays(page: Page): Promise<number[]> {
  return page.evaluate(() =>
    Object.values((window as unknown as { __arrivals: Record<string, { at: number; createdAt: string }> }).__arrivals).map((a) => a.at - Date.parse(a.createdAt)),
  );
}

for (const [transport, limitMs] of [
  ["websocket", 1_000],
  ["sse", 1_000],
  ["polling", SIGNALS_POLL_MS + 1_000],
] as const) {
  test(`a signal stored in Postgres appears on the signals page within ${limitMs} ms over ${transport}`, async ({ browser }) => {
    test.setTimeout(90_000);
    const page = await signedIn(browser);
    await setMode(page, transport);
    try {
      await page.goto("/signals");
      await expectLive(page, transport);
      await expect(page.getByTestId("signals-panel")).toBeVisible();
      await recordArrivals(page);
      // The strategies warm up for a few seconds, then trade every second or so.
      await expect.poll(async () => (await arrivalDelays(page)).length, { timeout: 60_000, intervals: [500] }).toBeGreaterThanOrEqual(3);
      const delays = await arrivalDelays(page);
      test.info().annotations.push({ type: "delays (ms)", description: delays.join(", ") });
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(-50); // the same clock: nothing shows before it is stored
      expect(Math.max(...delays), `delays ${delays.join(", ")} ms`).toBeLessThan(limitMs);
    } finally {
      await setMode(page, "auto");
      await page.context().close();
    }
  });
}

test("a backtest started from the page runs to 100% with the bar advancing and raises an unread notification live", async ({ browser }) => {
  test.setTimeout(90_000);
  const page = await signedIn(browser);
  try {
    await page.goto("/backtests");
    await expectLive(page, "websocket");
    const badge = page.getByTestId("unread-count");
    const unreadBefore = (await badge.count()) ? Number(await badge.textContent()) : 0;

    await page.getByRole("button", { name: "Run backtest" }).click();
    const progress = page.getByTestId("backtest-progress");
    await expect(progress).toBeVisible();
    const seen: number[] = [];
    await expect
      .poll(
        async () => {
          const value = Number((await progress.textContent())?.replace("%", ""));
          if (seen.at(-1) !== value) seen.push(value);
          return value;
        },
        { timeout: 60_000, intervals: [150] },
      )
      .toBe(100);
    // The bar moved through intermediate values, never backwards.
    expect(seen.filter((v) => v > 0 && v < 100).length, `seen ${seen.join(", ")}`).toBeGreaterThanOrEqual(3);
    seen.slice(1).forEach((v, i) => expect(v).toBeGreaterThanOrEqual(seen[i]!));
    await expect(page.getByTestId("backtest-status")).toHaveText("completed");
    await expect(page.getByTestId("result-return")).toBeVisible();

    // The notification arrives on the live link: the bell's count goes up without a reload.
    await expect(badge).toHaveText(String(unreadBefore + 1), { timeout: 10_000 });
    await page.getByTestId("notification-bell").click();
    await expect(page.getByText(/^Backtest finished: EMA crossover on/).first()).toBeVisible();
  } finally {
    await page.context().close();
  }
});
