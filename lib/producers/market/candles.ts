import type { Candle, IndicatorSpec, Indicators, Tick } from "../payloads";

export const DEFAULT_INDICATORS: IndicatorSpec = { smaPeriod: 20, emaPeriod: 50 };

export type CandleWithIndicators = Candle & Indicators;

/**
 * Candles of one symbol built from its ticks: open = first tick, high = max, low = min,
 * close = last, volume = sum, in fixed intervals. Keeps the last `keep` candles with the
 * indicators (SMA and EMA of closes) each had when it closed; the forming candle's indicators
 * are provisional, from its current close.
 */
export class CandleSeries {
  private readonly closed: CandleWithIndicators[] = [];
  private current: Candle | undefined;
  /** EMA as of the last closed candle, and the closes it was seeded from until it is seeded. */
  private ema: number | null = null;
  private seedCloses = 0;
  private seedSum = 0;
  last: Tick | null = null;

  constructor(
    readonly symbol: string,
    readonly intervalMs: number,
    readonly spec: IndicatorSpec = DEFAULT_INDICATORS,
    private readonly keep = 500,
  ) {
    if (spec.smaPeriod < 1 || spec.emaPeriod < 1) throw new Error("indicator periods must be at least 1");
    if (spec.smaPeriod > keep) throw new Error("the SMA period cannot exceed the candles kept");
  }

  bucketOf(ts: number): number {
    return Math.floor(ts / this.intervalMs) * this.intervalMs;
  }

  /**
   * Folds a tick in and returns the candle it changed, with indicators; `undefined` for a tick
   * older than the forming candle (too late to count).
   */
  add(tick: Pick<Tick, "ts" | "price" | "volume"> & Partial<Tick>): CandleWithIndicators | undefined {
    const t = this.bucketOf(tick.ts);
    const c = this.current;
    if (c && t < c.t) return undefined;
    if (!c || t > c.t) {
      if (c) this.close(c);
      this.current = { t, o: tick.price, h: tick.price, l: tick.price, c: tick.price, v: tick.volume, n: 1 };
    } else {
      c.h = Math.max(c.h, tick.price);
      c.l = Math.min(c.l, tick.price);
      c.c = tick.price;
      c.v = round(c.v + tick.volume);
      c.n += 1;
    }
    if (tick.symbol !== undefined) this.last = tick as Tick;
    return this.forming();
  }

  /** Every kept candle, oldest first, the forming one last. */
  candles(): CandleWithIndicators[] {
    const f = this.forming();
    return f ? [...this.closed, f] : [...this.closed];
  }

  private forming(): CandleWithIndicators | undefined {
    const c = this.current;
    return c ? { ...c, ...this.indicatorsWith(c.c) } : undefined;
  }

  private indicatorsWith(close: number): Indicators {
    const { smaPeriod, emaPeriod } = this.spec;
    let sma: number | null = null;
    if (this.closed.length + 1 >= smaPeriod) {
      let sum = close;
      for (let i = this.closed.length - (smaPeriod - 1); i < this.closed.length; i++) sum += this.closed[i]!.c;
      sma = sum / smaPeriod;
    }
    let ema: number | null = null;
    if (this.ema !== null) {
      const alpha = 2 / (emaPeriod + 1);
      ema = alpha * close + (1 - alpha) * this.ema;
    } else if (this.seedCloses + 1 === emaPeriod) {
      ema = (this.seedSum + close) / emaPeriod;
    }
    return { sma: sma === null ? null : round(sma), ema: ema === null ? null : round(ema) };
  }

  private close(c: Candle) {
    const final = { ...c, ...this.indicatorsWith(c.c) };
    // The EMA is carried unrounded; the published value is rounded.
    if (this.ema !== null) {
      const alpha = 2 / (this.spec.emaPeriod + 1);
      this.ema = alpha * c.c + (1 - alpha) * this.ema;
    } else {
      this.seedCloses += 1;
      this.seedSum += c.c;
      if (this.seedCloses === this.spec.emaPeriod) this.ema = this.seedSum / this.spec.emaPeriod;
    }
    this.closed.push(final);
    if (this.closed.length > this.keep) this.closed.splice(0, this.closed.length - this.keep);
  }
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** Candles of every charted symbol: fed by the chart producer, read by pages and REST. */
const g = globalThis as typeof globalThis & { __switchbackCandles?: Map<string, CandleSeries> };

export function candleStore(): Map<string, CandleSeries> {
  return (g.__switchbackCandles ??= new Map());
}
