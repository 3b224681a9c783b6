import { hashString, Random } from "../random";
import type { Tick } from "../payloads";

/** How a symbol trades: where it starts, how much it moves, its tick and lot sizes. */
export interface SymbolProfile {
  symbol: string;
  currency: string | null;
  /** Starting price (also the level the walk slowly reverts to). */
  price: number;
  /** Standard deviation of the log return over one second. */
  volatility: number;
  tickSize: number;
  lotSize: number;
  /** Typical lots traded per second. */
  lotsPerSecond: number;
  /** Half the bid/ask spread, as a fraction of the price. */
  halfSpread: number;
}

const KNOWN: Record<string, Omit<SymbolProfile, "symbol">> = {
  "0700.HK": { currency: "HKD", price: 385, volatility: 0.0002, tickSize: 0.2, lotSize: 100, lotsPerSecond: 12, halfSpread: 0.0003 },
  AAPL: { currency: "USD", price: 228, volatility: 0.00015, tickSize: 0.01, lotSize: 1, lotsPerSecond: 600, halfSpread: 0.00005 },
  "BTC-USDT": { currency: "USDT", price: 96_000, volatility: 0.0003, tickSize: 0.1, lotSize: 0.0001, lotsPerSecond: 2_500, halfSpread: 0.00002 },
};

/** A known symbol's profile, or a plausible one derived from the name for any other. */
export function profileFor(symbol: string): SymbolProfile {
  const known = KNOWN[symbol];
  if (known) return { symbol, ...known };
  const h = hashString(symbol);
  return {
    symbol,
    currency: null,
    price: 20 + (h % 48_000) / 100,
    volatility: 0.00015 + ((h >>> 8) % 20) / 100_000,
    tickSize: 0.01,
    lotSize: 1,
    lotsPerSecond: 50 + ((h >>> 16) % 400),
    halfSpread: 0.0002,
  };
}

const decimalsOf = (step: number) => Math.max(0, -Math.floor(Math.log10(step) + 1e-9));

export function roundTo(value: number, step: number): number {
  const d = decimalsOf(step);
  return Number((Math.round(value / step) * step).toFixed(d));
}

const JUMP_PER_SEC = 1 / 1800;

export interface WalkOptions {
  /**
   * How fast the log price reverts to its start. The live market uses six hours, so a server
   * that runs for weeks keeps its prices near their profiles; a backtest uses weeks.
   */
  reversionHalfLifeSec?: number;
  /**
   * Multiplies the profile's volatility. The live profiles move a little faster than real
   * markets so a minute chart has something to show; backtests use about a third (real daily
   * ranges).
   */
  volatilityScale?: number;
}

/**
 * One symbol's price: a geometric random walk (log-normal steps) with slowly reverting level,
 * volatility that clusters (calm and busy spells), rare jumps, and volume that rises with the
 * size of the move. Seeded, so a run can be repeated.
 */
export class SymbolWalk {
  private logPrice: number;
  private readonly anchor: number;
  /** Volatility multiplier: drifts around 1, so spells of calm and of agitation alternate. */
  private regime = 1;
  price: number;

  private readonly reversionPerSec: number;
  private readonly volatility: number;

  constructor(
    readonly profile: SymbolProfile,
    private readonly rng: Random,
    opts: WalkOptions = {},
  ) {
    this.reversionPerSec = Math.LN2 / (opts.reversionHalfLifeSec ?? 6 * 3600);
    this.volatility = profile.volatility * (opts.volatilityScale ?? 1);
    this.anchor = Math.log(profile.price);
    this.logPrice = this.anchor;
    this.price = roundTo(profile.price, profile.tickSize);
  }

  /** Advances `dtSec` seconds; returns the traded price, volume and quotes. */
  step(dtSec: number): { price: number; volume: number; bid: number; ask: number } {
    const p = this.profile;
    const dt = Math.max(dtSec, 1e-3);
    this.regime = Math.min(4, Math.max(0.3, this.regime + 0.02 * (1 - this.regime) * dt + 0.05 * Math.sqrt(this.regime * dt) * this.rng.normal()));
    const sigma = this.volatility * Math.sqrt(this.regime);
    const z = this.rng.normal();
    let ret = -this.reversionPerSec * (this.logPrice - this.anchor) * dt - 0.5 * sigma * sigma * dt + sigma * Math.sqrt(dt) * z;
    if (this.rng.next() < JUMP_PER_SEC * dt) ret += 8 * sigma * this.rng.normal();
    this.logPrice += ret;
    this.price = Math.max(p.tickSize, roundTo(Math.exp(this.logPrice), p.tickSize));
    const agitation = 0.4 + Math.min(4, Math.abs(ret) / (sigma * Math.sqrt(dt)));
    const lots = Math.max(1, Math.round(p.lotsPerSecond * dt * agitation * Math.exp(0.5 * this.rng.normal() - 0.125)));
    const half = Math.max(p.tickSize, this.price * p.halfSpread);
    return {
      price: this.price,
      volume: roundTo(lots * p.lotSize, p.lotSize),
      bid: roundTo(this.price - half, p.tickSize),
      ask: roundTo(this.price + half, p.tickSize),
    };
  }
}

/** The simulated market of the market producer: one walk per symbol and its session figures. */
export class MarketSimulator {
  private readonly walks = new Map<string, SymbolWalk>();
  private readonly session = new Map<string, { open: number; high: number; low: number; volume: number }>();

  constructor(symbols: string[], seed?: number) {
    for (const symbol of symbols) {
      const s = seed === undefined ? undefined : (seed ^ hashString(symbol)) >>> 0;
      this.walks.set(symbol, new SymbolWalk(profileFor(symbol), new Random(s)));
    }
  }

  get symbols(): string[] {
    return [...this.walks.keys()];
  }

  /** One tick per symbol, `dtSec` after the previous one. */
  step(ts: number, dtSec: number): Tick[] {
    const ticks: Tick[] = [];
    for (const [symbol, walk] of this.walks) {
      const t = walk.step(dtSec);
      let s = this.session.get(symbol);
      if (!s) this.session.set(symbol, (s = { open: t.price, high: t.price, low: t.price, volume: 0 }));
      s.high = Math.max(s.high, t.price);
      s.low = Math.min(s.low, t.price);
      s.volume = roundTo(s.volume + t.volume, walk.profile.lotSize);
      ticks.push({
        symbol,
        ts,
        ...t,
        sessionOpen: s.open,
        sessionHigh: s.high,
        sessionLow: s.low,
        sessionVolume: s.volume,
        currency: walk.profile.currency ?? undefined,
      });
    }
    return ticks;
  }

  /**
   * Ticks every `stepMs` from `fromTs` up to `toTs`, as history before the live feed starts;
   * the live walk continues from where it ends. Session figures start afresh afterwards.
   */
  backfill(fromTs: number, toTs: number, stepMs: number): Tick[] {
    const ticks: Tick[] = [];
    for (let ts = fromTs; ts < toTs; ts += stepMs) ticks.push(...this.step(ts, stepMs / 1000));
    this.session.clear();
    return ticks;
  }
}
