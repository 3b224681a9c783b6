import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieJar, fetchWithJar, signIn, startServer, type RunningServer } from "../helpers/server";

/**
 * The live-data REST endpoints on the real server (production build): validation errors in
 * the contract's shape, a backtest run through to its notification, strategy controls, markets.
 */
const DEMO = { email: "demo@switchback.local", password: "switchback-demo" };
const ADMIN = { email: "admin@switchback.local", password: "switchback-admin" };

interface ErrorBody {
  error: { code: string; message: string };
}

describe("live data API", () => {
  let server: RunningServer;
  let demo: CookieJar;
  let admin: CookieJar;
  const call = (jar: CookieJar, path: string, init: RequestInit & { json?: unknown } = {}) => {
    const { json, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (json !== undefined) headers.set("content-type", "application/json");
    return fetchWithJar(server.url, jar, path, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body });
  };
  const expectError = async (res: Response, status: number, code: string, message?: RegExp) => {
    expect(res.status).toBe(status);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe(code);
    if (message) expect(body.error.message).toMatch(message);
  };

  beforeAll(async () => {
    server = await startServer({
      env: {
        PRODUCERS: "market,chart,strategies,backtests,notifications",
        MARKET_TICK_MS: "100",
        MARKET_BACKFILL_MINUTES: "30",
        BACKTEST_DURATION_MS: "1500",
      },
    });
    demo = (await signIn(server.url, DEMO.email, DEMO.password)).jar;
    admin = (await signIn(server.url, ADMIN.email, ADMIN.password)).jar;
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it("refuses callers without a session with 401 in the error shape", async () => {
    for (const [method, path] of [
      ["GET", "/api/v1/notifications"],
      ["POST", "/api/v1/notifications/read-all"],
      ["GET", "/api/v1/backtests"],
      ["POST", "/api/v1/backtests"],
      ["POST", "/api/v1/strategies/ema-cross-0700-hk/pause"],
      ["GET", "/api/v1/markets"],
    ]) {
      await expectError(await fetch(`${server.url}${path}`, { method }), 401, "unauthenticated");
    }
  });

  it("validates query strings, path ids and bodies with 400s that say what is wrong", async () => {
    await expectError(await call(demo, "/api/v1/notifications?limit=0"), 400, "bad_request", /limit/);
    await expectError(await call(demo, "/api/v1/notifications?limit=1000"), 400, "bad_request", /limit/);
    await expectError(await call(demo, "/api/v1/notifications?before=abc"), 400, "bad_request", /before/);
    await expectError(await call(demo, "/api/v1/notifications/abc/read", { method: "POST" }), 400, "bad_request", /id/);
    await expectError(await call(demo, "/api/v1/notifications/999999/read", { method: "POST" }), 404, "not_found");
    await expectError(await call(demo, "/api/v1/backtests?limit=-1"), 400, "bad_request", /limit/);
    await expectError(await call(demo, "/api/v1/backtests", { method: "POST", body: "strategy=breakout", headers: { "content-type": "text/plain" } }), 400, "bad_request", /application\/json/);
    await expectError(await call(demo, "/api/v1/backtests", { method: "POST", body: "{", headers: { "content-type": "application/json" } }), 400, "bad_request", /not valid JSON/);
    await expectError(await call(demo, "/api/v1/backtests", { method: "POST", json: { strategy: "martingale", symbol: "AAPL" } }), 400, "bad_request", /strategy/);
    await expectError(await call(demo, "/api/v1/backtests", { method: "POST", json: { strategy: "breakout", symbol: "AAPL", days: 500 } }), 400, "bad_request", /days/);
    await expectError(
      await call(demo, "/api/v1/backtests", { method: "POST", json: { strategy: "ema_cross", symbol: "AAPL", strategyParams: { fast: 40, slow: 10 } } }),
      400,
      "bad_request",
      /fast must be below slow/,
    );
    await expectError(await call(demo, "/api/v1/backtests/not-a-uuid"), 404, "not_found");
    await expectError(await call(demo, "/api/v1/markets/NOPE/candles"), 404, "not_found");
    await expectError(await call(demo, "/api/v1/markets/AAPL/candles?limit=0"), 400, "bad_request", /limit/);
  });

  it("runs a backtest started over REST to completion and raises an unread notification", async () => {
    const before = (await (await call(demo, "/api/v1/notifications")).json()) as { unreadCount: number };
    const res = await call(demo, "/api/v1/backtests", { method: "POST", json: { strategy: "ema_cross", symbol: "AAPL", days: 5 } });
    expect(res.status).toBe(202);
    const { backtest } = (await res.json()) as { backtest: { id: string; status: string; steps: string[] } };
    expect(res.headers.get("location")).toBe(`/api/v1/backtests/${backtest.id}`);
    expect(backtest.status).toBe("pending");
    expect(backtest.steps).toHaveLength(5);

    let seen: { status: string; progress: number; result: { bars: number } | null } | undefined;
    const progress: number[] = [];
    for (let i = 0; i < 100 && seen?.status !== "completed"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      seen = ((await (await call(demo, `/api/v1/backtests/${backtest.id}`)).json()) as { backtest: NonNullable<typeof seen> }).backtest;
      progress.push(seen.progress);
    }
    expect(seen).toMatchObject({ status: "completed", progress: 100 });
    expect(seen!.result!.bars).toBe(5 * 96);
    expect(new Set(progress).size).toBeGreaterThan(2);
    // Someone else cannot see it (not even that it exists); an admin can.
    await expectError(await call(admin, "/api/v1/backtests/00000000-0000-4000-8000-000000000000"), 404, "not_found");
    expect((await call(admin, `/api/v1/backtests/${backtest.id}`)).status).toBe(200);
    const list = (await (await call(demo, "/api/v1/backtests")).json()) as { backtests: Array<{ id: string }> };
    expect(list.backtests[0]!.id).toBe(backtest.id);

    const inbox = (await (await call(demo, "/api/v1/notifications?limit=5")).json()) as {
      notifications: Array<{ id: number; title: string; link: string; read: boolean }>;
      unreadCount: number;
    };
    expect(inbox.unreadCount).toBe(before.unreadCount + 1);
    expect(inbox.notifications[0]).toMatchObject({ title: "Backtest finished: EMA crossover on AAPL", link: `/backtests?id=${backtest.id}`, read: false });
    const read = await call(demo, `/api/v1/notifications/${inbox.notifications[0]!.id}/read`, { method: "POST" });
    expect(await read.json()).toEqual({ id: inbox.notifications[0]!.id, read: true, unreadCount: inbox.unreadCount - 1 });
    // Not the admin's to mark.
    await expectError(await call(admin, `/api/v1/notifications/${inbox.notifications[0]!.id}/read`, { method: "POST" }), 404, "not_found");
    const all = await call(demo, "/api/v1/notifications/read-all", { method: "POST" });
    expect(((await all.json()) as { unreadCount: number }).unreadCount).toBe(0);
  });

  it("lets admins, and only admins, start, pause and stop strategies", async () => {
    const id = "ema-cross-0700-hk";
    await expectError(await call(demo, `/api/v1/strategies/${id}/pause`, { method: "POST" }), 403, "forbidden");
    await expectError(await call(admin, "/api/v1/strategies/no-such/pause", { method: "POST" }), 404, "not_found", /no-such/);
    await expectError(await call(admin, `/api/v1/strategies/${id}/explode`, { method: "POST" }), 404, "not_found");
    const state = async (action: string) => {
      const res = await call(admin, `/api/v1/strategies/${id}/${action}`, { method: "POST" });
      expect(res.status).toBe(200);
      return ((await res.json()) as { strategy: { status: string; position: { quantity: number } } }).strategy;
    };
    expect((await state("pause")).status).toBe("paused");
    const stopped = await state("stop");
    expect(stopped).toMatchObject({ status: "stopped", position: { quantity: 0 } });
    await expectError(await call(admin, `/api/v1/strategies/${id}/pause`, { method: "POST" }), 409, "conflict");
    expect((await state("start")).status).toBe("running");
  });

  it("pages stored signals after last_id, ids as on the live topic, with ETag/304", async () => {
    type Page = { signals: Array<{ id: number; symbol: string; side: string }>; lastId: number; hasMore: boolean };
    const page = async (query: string, headers: Record<string, string> = {}) => {
      const res = await call(demo, `/api/v1/signals?${query}`, { headers });
      return { res, body: res.status === 200 ? ((await res.json()) as Page) : undefined };
    };
    // The strategies trade on the fast simulated market within seconds.
    const deadline = Date.now() + 45_000;
    let all: Page | undefined;
    while (Date.now() < deadline) {
      all = (await page("limit=1000")).body;
      if (all && all.signals.length >= 3) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(all!.signals.length).toBeGreaterThanOrEqual(3);
    const ids = all!.signals.map((s) => s.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));

    const first = await page("limit=2");
    expect(first.body!.signals.map((s) => s.id)).toEqual(ids.slice(0, 2));
    expect(first.body).toMatchObject({ lastId: ids[1], hasMore: true });
    const rest = await page(`last_id=${first.body!.lastId}&limit=1000`);
    expect(rest.body!.signals.map((s) => s.id).slice(0, ids.length - 2)).toEqual(ids.slice(2));

    const etag = first.res.headers.get("etag")!;
    expect((await page("limit=2", { "if-none-match": etag })).res.status).toBe(304);
    const caughtUp = await page(`last_id=${ids.at(-1)! + 1_000_000}`);
    expect(caughtUp.body).toMatchObject({ signals: [], hasMore: false });
  });

  it("serves the market list and candles built from the live ticks", async () => {
    const markets = (await (await call(demo, "/api/v1/markets")).json()) as { symbols: Array<{ symbol: string; last: { price: number } | null }> };
    expect(markets.symbols.map((s) => s.symbol)).toEqual(["0700.HK", "AAPL", "BTC-USDT"]);
    expect(markets.symbols.every((s) => s.last && s.last.price > 0)).toBe(true);
    const series = (await (await call(demo, "/api/v1/markets/BTC-USDT/candles?limit=20")).json()) as {
      intervalMs: number;
      candles: Array<{ t: number; o: number; h: number; l: number; c: number; sma: number | null }>;
    };
    expect(series.intervalMs).toBe(60_000);
    expect(series.candles).toHaveLength(20);
    for (const c of series.candles) expect(c.l <= Math.min(c.o, c.c) && c.h >= Math.max(c.o, c.c)).toBe(true);
    expect(series.candles.at(-1)!.sma).not.toBeNull();
  });
});
