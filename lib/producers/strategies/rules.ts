import type { StrategyKind } from "../payloads";

/**
 * The trading rules, shared by the live engine (on ticks) and backtests (on bar closes).
 * Each rule says which position it wants (+1 long, -1 short, 0 flat) given the latest price
 * and the position actually held; the caller trades when the two differ.
 */

export type Target = -1 | 0 | 1;

export interface Decision {
  target: Target;
  reason: string;
  /** 0.5 (a coin toss) to 0.99. */
  confidence: number;
}

export interface Rule {
  /** Prices needed before the rule can decide. */
  readonly warmup: number;
  /** Prices seen so far. */
  readonly seen: number;
  /** The position wanted after `price`, or undefined while warming up. */
  next(price: number, held: Target): Decision | undefined;
}

/** Sums over the last `size` values, for rolling means and deviations. */
class Window {
  private readonly values: number[] = [];
  private sum = 0;
  private sumSq = 0;

  constructor(readonly size: number) {}

  push(v: number) {
    this.values.push(v);
    this.sum += v;
    this.sumSq += v * v;
    if (this.values.length > this.size) {
      const old = this.values.shift()!;
      this.sum -= old;
      this.sumSq -= old * old;
    }
  }

  get full() {
    return this.values.length >= this.size;
  }

  get mean() {
    return this.sum / this.values.length;
  }

  get std() {
    const n = this.values.length;
    return n > 1 ? Math.sqrt(Math.max(0, (this.sumSq - (this.sum * this.sum) / n) / (n - 1))) : 0;
  }

  max() {
    return Math.max(...this.values);
  }

  min() {
    return Math.min(...this.values);
  }
}

const clampConfidence = (x: number) => Math.round(Math.min(0.99, Math.max(0.5, x)) * 100) / 100;
const fmt = (n: number) => (Math.abs(n) >= 1000 ? n.toFixed(1) : n.toFixed(2));

/** Long while the fast EMA is above the slow one, short while below (with a small dead band). */
function emaCross(p: Record<string, number>): Rule {
  const fastN = p.fast!;
  const slowN = p.slow!;
  let fast: number | undefined;
  let slow: number | undefined;
  let seen = 0;
  const returns = new Window(slowN);
  let prev: number | undefined;
  return {
    warmup: slowN,
    get seen() {
      return seen;
    },
    next(price, held) {
      seen++;
      if (prev !== undefined) returns.push(Math.log(price / prev));
      prev = price;
      fast = fast === undefined ? price : fast + (2 / (fastN + 1)) * (price - fast);
      slow = slow === undefined ? price : slow + (2 / (slowN + 1)) * (price - slow);
      if (seen < slowN) return undefined;
      const gap = (fast - slow) / price;
      if (Math.abs(gap) < p.band! / 10_000) return { target: held, reason: "inside the dead band", confidence: 0.5 };
      const target: Target = gap > 0 ? 1 : -1;
      // How far apart the averages are, in units of the recent volatility.
      const spread = returns.std > 0 ? Math.abs(gap) / (returns.std * Math.sqrt(fastN)) : 1;
      return {
        target,
        reason: `EMA ${fastN} ${target > 0 ? "above" : "below"} EMA ${slowN} (${fmt(fast)} vs ${fmt(slow)})`,
        confidence: clampConfidence(0.5 + spread),
      };
    },
  };
}

/** Fades stretches: short far above the rolling mean, long far below, flat once back near it. */
function meanReversion(p: Record<string, number>): Rule {
  const n = p.window!;
  const w = new Window(n);
  let seen = 0;
  return {
    warmup: n,
    get seen() {
      return seen;
    },
    next(price, held) {
      seen++;
      w.push(price);
      if (!w.full || w.std === 0) return undefined;
      const z = (price - w.mean) / w.std;
      const where = `${Math.abs(z).toFixed(1)}σ ${z > 0 ? "above" : "below"} its ${n}-period mean ${fmt(w.mean)}`;
      if (z >= p.entryZ!) return { target: -1, reason: `Price ${where}`, confidence: clampConfidence(Math.abs(z) / (2 * p.entryZ!) + 0.25) };
      if (z <= -p.entryZ!) return { target: 1, reason: `Price ${where}`, confidence: clampConfidence(Math.abs(z) / (2 * p.entryZ!) + 0.25) };
      if (held !== 0 && Math.abs(z) <= p.exitZ!) return { target: 0, reason: `Back to ${where}: take profit`, confidence: 0.6 };
      return { target: held, reason: "holding", confidence: 0.5 };
    },
  };
}

/** Follows breaks: long above the highest price of the window, short below its lowest. */
function breakout(p: Record<string, number>): Rule {
  const n = p.window!;
  const w = new Window(n);
  let seen = 0;
  return {
    warmup: n + 1,
    get seen() {
      return seen;
    },
    next(price, held) {
      seen++;
      if (!w.full) {
        w.push(price);
        return undefined;
      }
      const hi = w.max();
      const lo = w.min();
      const range = Math.max(hi - lo, price * 1e-6);
      w.push(price);
      if (price > hi) return { target: 1, reason: `Broke above the ${n}-period high ${fmt(hi)}`, confidence: clampConfidence(0.55 + (price - hi) / range) };
      if (price < lo) return { target: -1, reason: `Broke below the ${n}-period low ${fmt(lo)}`, confidence: clampConfidence(0.55 + (lo - price) / range) };
      return { target: held, reason: "inside the range", confidence: 0.5 };
    },
  };
}

export interface RuleSpec {
  label: string;
  description: string;
  defaults: Record<string, number>;
  /** Allowed [min, max] of each parameter (API validation). */
  ranges: Record<string, [number, number]>;
  create(params: Record<string, number>): Rule;
}

export const RULES: Record<StrategyKind, RuleSpec> = {
  ema_cross: {
    label: "EMA crossover",
    description: "Long while the fast EMA is above the slow EMA, short while below.",
    defaults: { fast: 12, slow: 48, band: 1 },
    ranges: { fast: [2, 200], slow: [3, 500], band: [0, 100] },
    create: emaCross,
  },
  mean_reversion: {
    label: "Mean reversion",
    description: "Sells stretches above the rolling mean and buys stretches below, exits near the mean.",
    defaults: { window: 60, entryZ: 2, exitZ: 0.5 },
    ranges: { window: [5, 1000], entryZ: [0.5, 5], exitZ: [0, 3] },
    create: meanReversion,
  },
  breakout: {
    label: "Breakout",
    description: "Goes long on a new high of the window and short on a new low.",
    defaults: { window: 120 },
    ranges: { window: [5, 2000] },
    create: breakout,
  },
};

export const STRATEGY_KINDS = Object.keys(RULES) as StrategyKind[];

/** A rule with `params` over its defaults; throws on a parameter outside its range. */
export function createRule(kind: StrategyKind, params: Record<string, number> = {}): { rule: Rule; params: Record<string, number> } {
  const spec = RULES[kind];
  const merged = { ...spec.defaults, ...params };
  for (const [name, value] of Object.entries(merged)) {
    const range = spec.ranges[name];
    if (!range) throw new RangeError(`${kind} has no parameter ${name}`);
    if (!Number.isFinite(value) || value < range[0] || value > range[1]) throw new RangeError(`${name} must be between ${range[0]} and ${range[1]}`);
  }
  if (kind === "ema_cross" && merged.fast! >= merged.slow!) throw new RangeError("fast must be below slow");
  if (kind === "mean_reversion" && merged.exitZ! >= merged.entryZ!) throw new RangeError("exitZ must be below entryZ");
  return { rule: spec.create(merged), params: merged };
}
