import type { Hub } from "../realtime/hub";
import { every, type Loop } from "./loop";
import { MarketSimulator } from "./market/simulator";
import type { Tick } from "./payloads";
import type { Producer } from "./registry";

export interface MarketOptions {
  hub: Hub;
  symbols: string[];
  tickMs: number;
  /** Minutes of history simulated before the live feed starts (handed to `onBackfill`). */
  backfillMinutes: number;
  seed?: number;
  onBackfill?: (ticks: Tick[]) => void;
}

/** History is simulated at this step at the finest: enough for minute candles, cheap at start. */
const BACKFILL_STEP_MIN_MS = 2_000;

/** `market.<symbol>`: a simulated tick per symbol every `tickMs`. */
export function marketProducer(opts: MarketOptions): Producer {
  let loop: Loop | undefined;
  return {
    name: "market",
    async start() {
      const sim = new MarketSimulator(opts.symbols, opts.seed);
      let last = Date.now();
      if (opts.backfillMinutes > 0) {
        const ticks = sim.backfill(last - opts.backfillMinutes * 60_000, last, Math.max(opts.tickMs, BACKFILL_STEP_MIN_MS));
        opts.onBackfill?.(ticks);
      }
      loop = every("market", opts.tickMs, async () => {
        const now = Date.now();
        const ticks = sim.step(now, (now - last) / 1000);
        last = now;
        await opts.hub.publish(ticks.map((t) => ({ topic: `market.${t.symbol}`, data: t })));
      });
    },
    async stop() {
      await loop?.stop();
    },
  };
}
