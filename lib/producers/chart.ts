import type { Hub, Subscription } from "../realtime/hub";
import { log } from "../log";
import { candleStore, CandleSeries, DEFAULT_INDICATORS } from "./market/candles";
import { subscribeTicks } from "./market/feed";
import type { ChartUpdate, IndicatorSpec, Tick } from "./payloads";
import type { Producer } from "./registry";

export interface ChartOptions {
  hub: Hub;
  symbols: string[];
  intervalMs: number;
  keep: number;
  spec?: IndicatorSpec;
}

/**
 * `chart.<symbol>`: candles built from the ticks on market.<symbol> (simulated or published by
 * anyone), with indicators. Each tick publishes the candle it changed.
 */
export function chartProducer(opts: ChartOptions): Producer & { seed(ticks: Tick[]): void } {
  const subs: Subscription[] = [];
  let publishing: Promise<unknown> = Promise.resolve();
  const store = candleStore();
  const series = (symbol: string) => {
    let s = store.get(symbol);
    if (!s || s.intervalMs !== opts.intervalMs) store.set(symbol, (s = new CandleSeries(symbol, opts.intervalMs, opts.spec ?? DEFAULT_INDICATORS, opts.keep)));
    return s;
  };
  return {
    name: "chart",
    seed(ticks) {
      for (const t of ticks) series(t.symbol).add(t);
    },
    async start() {
      for (const symbol of opts.symbols) {
        const s = series(symbol);
        subs.push(
          await subscribeTicks(opts.hub, symbol, (tick) => {
            const candle = s.add(tick);
            if (!candle) return;
            const update: ChartUpdate = { symbol, intervalMs: s.intervalMs, candle, spec: s.spec };
            // In order, one after another, whatever the broker's latency.
            publishing = publishing
              .then(() => opts.hub.publishOne(`chart.${symbol}`, update))
              .catch((err: unknown) => log().error({ err, symbol }, "chart publish failed"));
          }),
        );
      }
    },
    async stop() {
      for (const sub of subs.splice(0)) sub.close();
      await publishing;
    },
  };
}
