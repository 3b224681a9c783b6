import { describe, expect, it } from "vitest";
import { listRecentSignals, listSignalsAfter, pruneSignals } from "@/lib/db/signals";
import { loadStrategyStatuses } from "@/lib/db/strategy-states";
import { auditLog } from "@/lib/db/schema";
import { hub } from "@/lib/realtime/instance";
import type { Signal, StrategiesSnapshot } from "@/lib/producers/payloads";
import { defaultStrategies, StrategyEngine, type StrategyDef } from "@/lib/producers/strategies/engine";
import { DRIVERS, useTestDatabase } from "../helpers/db";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fast EMA crossover on a made-up symbol, so a zigzag of prices crosses again and again. */
const CROSS: StrategyDef = { id: "cross-test", name: "Cross", kind: "ema_cross", symbol: "TEST", params: { fast: 2, slow: 4, band: 0 } };

function zigzag(n: number, from = 100): number[] {
  // Ten up, ten down: every leg makes the fast EMA cross the slow one.
  return Array.from({ length: n }, (_, i) => from + (Math.floor(i / 10) % 2 === 0 ? i % 10 : 10 - (i % 10)));
}

async function collect(topic: string) {
  const h = hub();
  const d = await h.topics.authorizeRead(topic, { userId: "u", role: "user" });
  if (!d.ok) throw new Error(d.message);
  const got: unknown[] = [];
  const sub = await h.subscribe(d.topic, undefined, (e) => got.push(e.data));
  return { got, close: () => sub.close() };
}

describe.each(DRIVERS)("strategy engine on %s", (driver) => {
  useTestDatabase(driver);

  it("persists each signal with an increasing id and publishes it on `signals` with that id, in order", async () => {
    const signals = await collect("signals");
    const engine = new StrategyEngine({ hub: hub(), strategies: [CROSS], publishIntervalMs: 60_000, cooldownTicks: 0 });
    await engine.start();
    let ts = Date.now();
    for (const price of zigzag(80)) engine.onTick({ symbol: "TEST", ts: ts++, price, volume: 1 });
    await engine.flush();
    await engine.stop();
    signals.close();

    const published = signals.got as Signal[];
    expect(published.length).toBeGreaterThanOrEqual(5);
    const ids = published.map((s) => s.id);
    ids.slice(1).forEach((id, i) => expect(id).toBeGreaterThan(ids[i]!));
    // The same rows are in Postgres, and served by last_id.
    const stored = await listSignalsAfter(0, 1_000);
    expect(stored.map((s) => s.id)).toEqual(ids);
    expect(stored[0]).toEqual(published[0]);
    expect((await listSignalsAfter(ids[1]!, 2)).map((s) => s.id)).toEqual(ids.slice(2, 4));
    // Alternating sides: long, then short, then long…, and the book follows.
    expect(published.map((s) => s.side).slice(0, 3)).toEqual(["buy", "sell", "buy"]);
    expect(published.slice(0, 3).map((s) => Math.sign(s.positionAfter))).toEqual([1, -1, 1]);
    // A reversal trades through zero: the quantity is the old position plus the new one.
    expect(published[1]!.quantity).toBeCloseTo(published[0]!.positionAfter - published[1]!.positionAfter, 6);
    expect(published[0]!.reason).toMatch(/EMA 2 above EMA 4/);
    const view = engine.snapshot().strategies[0]!;
    expect(view.signals).toBe(published.length);
    expect(view.pnl.total).toBeCloseTo(view.pnl.realized + view.pnl.unrealized, 2);
  });

  it("obeys admin controls: paused trades nothing, stopped closes the position, states survive a restart", async () => {
    const h = hub();
    const states = await collect("strategies");
    const engine = new StrategyEngine({ hub: h, strategies: [CROSS], publishIntervalMs: 60_000, cooldownTicks: 0 });
    await engine.start();
    const prices = zigzag(60, 200);
    let ts = Date.now();
    for (const price of prices.slice(0, 15)) engine.onTick({ symbol: "TEST", ts: ts++, price, volume: 1 });
    await engine.flush();
    const before = (await listRecentSignals(1_000)).length;
    expect(engine.snapshot().strategies[0]!.position.quantity).not.toBe(0);

    expect((await engine.control("cross-test", "pause", null)).status).toBe("paused");
    for (const price of prices.slice(15, 45)) engine.onTick({ symbol: "TEST", ts: ts++, price, volume: 1 });
    await engine.flush();
    expect(await listRecentSignals(1_000)).toHaveLength(before);
    // Still marked to market while paused.
    expect(engine.snapshot().strategies[0]!.lastPrice).toBe(prices[44]);

    const stopped = await engine.control("cross-test", "stop", null);
    await engine.flush();
    expect(stopped.status).toBe("stopped");
    expect(stopped.position.quantity).toBe(0);
    const [closing] = await listRecentSignals(1, { strategyId: "cross-test" });
    expect(closing!.reason).toMatch(/Stopped by an administrator/);
    expect(closing!.positionAfter).toBe(0);
    await expect(engine.control("cross-test", "pause", null)).rejects.toMatchObject({ code: "conflict" });
    await expect(engine.control("nope", "start", null)).rejects.toMatchObject({ code: "not_found" });
    await engine.stop();

    // The state is in Postgres (with an audit entry) and a new engine starts from it.
    expect((await loadStrategyStatuses()).get("cross-test")).toBe("stopped");
    const db = (await import("@/lib/db/drizzle")).db;
    const audits = await (await db()).select().from(auditLog);
    expect(audits.filter((a) => a.targetId === "cross-test").map((a) => a.action)).toEqual(["strategy.pause", "strategy.stop"]);
    const again = new StrategyEngine({ hub: h, strategies: [CROSS], publishIntervalMs: 60_000 });
    await again.start();
    expect(again.snapshot().strategies[0]!.status).toBe("stopped");
    await again.stop();

    await sleep(10);
    states.close();
    const last = states.got.at(-1) as StrategiesSnapshot;
    expect(last.totals.stopped).toBe(1);
  });

  it("runs on ticks published to the hub and prunes old signals", async () => {
    const h = hub();
    const engine = new StrategyEngine({ hub: h, strategies: [{ ...CROSS, id: "cross-hub" }], publishIntervalMs: 60_000, cooldownTicks: 0 });
    await engine.start();
    let ts = Date.now();
    for (const price of zigzag(40, 50)) await h.publishOne("market.TEST", { symbol: "TEST", ts: ts++, price, volume: 2 });
    // Malformed ticks (anyone with an API key can publish) are ignored.
    await h.publishOne("market.TEST", { price: "a lot" });
    await engine.flush();
    await engine.stop();
    expect(engine.snapshot().strategies[0]!.signals).toBeGreaterThan(0);
    const all = await listRecentSignals(100_000);
    expect(all.some((s) => s.strategyId === "cross-hub")).toBe(true);
    expect(await pruneSignals(3)).toBe(all.length - 3);
    expect((await listRecentSignals(100)).map((s) => s.id)).toEqual(all.slice(0, 3).map((s) => s.id));
  });
});

describe("default strategies", () => {
  it("puts one strategy of each kind on the configured symbols, with stable ids", () => {
    const defs = defaultStrategies(["0700.HK", "AAPL"]);
    expect(defs.map((d) => [d.id, d.symbol])).toEqual([
      ["ema-cross-0700-hk", "0700.HK"],
      ["mean-reversion-aapl", "AAPL"],
      ["breakout-0700-hk", "0700.HK"],
    ]);
  });
});
