import { describe, expect, it } from "vitest";
import { Hub } from "@/lib/realtime/hub";
import { MemoryBroker } from "@/lib/realtime/memory-broker";
import { RealtimeMetrics } from "@/lib/realtime/metrics";
import { TopicRegistry } from "@/lib/realtime/topics";
import { chartProducer } from "@/lib/producers/chart";
import { CandleSeries } from "@/lib/producers/market/candles";
import { MarketSimulator, profileFor } from "@/lib/producers/market/simulator";
import { marketProducer } from "@/lib/producers/market";
import type { Candle, ChartUpdate, Tick } from "@/lib/producers/payloads";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const newHub = () => new Hub(new MemoryBroker(), new TopicRegistry(), new RealtimeMetrics());

/** The candles the ticks make, computed the obvious way: group by interval. */
function expectedCandles(ticks: Tick[], intervalMs: number): Candle[] {
  const byBucket = new Map<number, Tick[]>();
  for (const t of ticks) {
    const b = Math.floor(t.ts / intervalMs) * intervalMs;
    byBucket.set(b, [...(byBucket.get(b) ?? []), t]);
  }
  return [...byBucket].map(([t, ts]) => ({
    t,
    o: ts[0]!.price,
    h: Math.max(...ts.map((x) => x.price)),
    l: Math.min(...ts.map((x) => x.price)),
    c: ts.at(-1)!.price,
    v: ts.reduce((a, x) => a + x.volume, 0),
    n: ts.length,
  }));
}

function expectSameCandles(actual: Candle[], expected: Candle[]) {
  expect(actual.map((c) => c.t)).toEqual(expected.map((c) => c.t));
  actual.forEach((c, i) => {
    const e = expected[i]!;
    expect({ o: c.o, h: c.h, l: c.l, c: c.c, n: c.n }).toEqual({ o: e.o, h: e.h, l: e.l, c: e.c, n: e.n });
    expect(c.v).toBeCloseTo(e.v, 6);
  });
}

describe("market simulator", () => {
  it("walks believably: positive prices on the tick grid, lots, quotes around the trade", () => {
    const sim = new MarketSimulator(["0700.HK", "AAPL", "BTC-USDT", "XYZ"], 42);
    const ticks = sim.backfill(0, 3_600_000, 1_000);
    expect(ticks).toHaveLength(4 * 3600);
    for (const t of ticks) {
      const p = profileFor(t.symbol);
      expect(t.price).toBeGreaterThan(0);
      expect(Math.abs(t.price / p.tickSize - Math.round(t.price / p.tickSize))).toBeLessThan(1e-6);
      expect(Math.abs(t.volume / p.lotSize - Math.round(t.volume / p.lotSize))).toBeLessThan(1e-6);
      expect(t.volume).toBeGreaterThan(0);
      expect(t.bid!).toBeLessThan(t.price);
      expect(t.ask!).toBeGreaterThan(t.price);
    }
    // An hour of AAPL: moves, but stays within a believable band of its start.
    const aapl = ticks.filter((t) => t.symbol === "AAPL").map((t) => t.price);
    expect(new Set(aapl).size).toBeGreaterThan(100);
    expect(Math.min(...aapl)).toBeGreaterThan(228 * 0.9);
    expect(Math.max(...aapl)).toBeLessThan(228 * 1.1);
    // Per-second log returns have about the configured volatility (clustering widens it a little).
    const r = aapl.slice(1).map((p, i) => Math.log(p / aapl[i]!));
    const sd = Math.sqrt(r.reduce((a, x) => a + x * x, 0) / r.length);
    expect(sd).toBeGreaterThan(0.00015 / 3);
    expect(sd).toBeLessThan(0.00015 * 3);
  });

  it("repeats exactly for a seed and differs for another", () => {
    const a = new MarketSimulator(["AAPL"], 7).backfill(0, 60_000, 1_000);
    const b = new MarketSimulator(["AAPL"], 7).backfill(0, 60_000, 1_000);
    const c = new MarketSimulator(["AAPL"], 8).backfill(0, 60_000, 1_000);
    expect(a).toEqual(b);
    expect(a.map((t) => t.price)).not.toEqual(c.map((t) => t.price));
  });
});

describe("CandleSeries", () => {
  it("builds candles consistent with the ticks: open first, high max, low min, close last, volume sum", () => {
    const ticks = new MarketSimulator(["BTC-USDT"], 1).backfill(1_700_000_000_000, 1_700_000_000_000 + 30 * 60_000, 700);
    const series = new CandleSeries("BTC-USDT", 60_000);
    for (const t of ticks) series.add(t);
    const candles = series.candles();
    expect(candles.length).toBeGreaterThanOrEqual(30);
    expectSameCandles(candles, expectedCandles(ticks, 60_000));
    expect(series.last).toEqual(ticks.at(-1));
  });

  it("computes the SMA and EMA of closes, and ignores a tick older than the forming candle", () => {
    const series = new CandleSeries("T", 1_000, { smaPeriod: 3, emaPeriod: 3 });
    const closes = [10, 11, 12, 13, 14, 20];
    closes.forEach((price, i) => series.add({ ts: i * 1_000, price, volume: 1 }));
    const c = series.candles();
    expect(c.map((x) => x.sma)).toEqual([null, null, 11, 12, 13, 47 / 3].map((x) => (x === null ? null : Math.round(x * 1e6) / 1e6)));
    // EMA seeded with the SMA of the first three closes, then alpha = 2 / (3 + 1).
    let ema = 11;
    const emas: Array<number | null> = [null, null, 11];
    for (const close of closes.slice(3)) emas.push((ema = 0.5 * close + 0.5 * ema));
    expect(c.map((x) => x.ema)).toEqual(emas);
    expect(series.add({ ts: 4_500, price: 99, volume: 1 })).toBeUndefined();
    expect(series.candles().at(-1)!.h).toBe(20);
  });
});

describe("market and chart producers", () => {
  it("publish ticks on market.<symbol> and, from those same ticks, incremental candles on chart.<symbol>", async () => {
    const hub = newHub();
    const chart = chartProducer({ hub, symbols: ["AAPL"], intervalMs: 1_000, keep: 100 });
    const market = marketProducer({ hub, symbols: ["AAPL"], tickMs: 40, backfillMinutes: 0, seed: 3 });
    const ticks: Tick[] = [];
    const updates: ChartUpdate[] = [];
    const sub = async (name: string, into: unknown[]) => {
      const d = await hub.topics.authorizeRead(name, { userId: "u", role: "user" });
      if (!d.ok) throw new Error(d.message);
      return hub.subscribe(d.topic, undefined, (e) => into.push(e.data));
    };
    const subs = [await sub("market.AAPL", ticks), await sub("chart.AAPL", updates)];
    await chart.start();
    await market.start();
    await sleep(2_600);
    await market.stop();
    await chart.stop();
    subs.forEach((s) => s.close());

    expect(ticks.length).toBeGreaterThan(20);
    expect(updates).toHaveLength(ticks.length);
    // The last update of each candle is that candle, final; a new `t` means a new candle opened.
    const finals = new Map<number, Candle>();
    for (const u of updates) finals.set(u.candle.t, u.candle);
    expect(new Set(updates.map((u) => u.candle.t)).size).toBeGreaterThanOrEqual(2);
    expectSameCandles([...finals.values()], expectedCandles(ticks, 1_000));
    // Each update carries the indicator spec; the SMA appears once enough candles exist.
    expect(updates[0]!.spec).toEqual({ smaPeriod: 20, emaPeriod: 50 });
  });

  it("seeds the chart with simulated history before the live feed starts", async () => {
    const hub = newHub();
    const chart = chartProducer({ hub, symbols: ["0700.HK"], intervalMs: 60_000, keep: 500 });
    const market = marketProducer({ hub, symbols: ["0700.HK"], tickMs: 1_000, backfillMinutes: 60, seed: 5, onBackfill: chart.seed });
    await chart.start();
    await market.start();
    await market.stop();
    await chart.stop();
    const { candleStore } = await import("@/lib/producers/market/candles");
    const candles = candleStore().get("0700.HK")!.candles();
    expect(candles.length).toBeGreaterThanOrEqual(60);
    expect(candles.at(-1)!.sma).not.toBeNull();
    expect(candles.at(-1)!.ema).not.toBeNull();
  });
});
