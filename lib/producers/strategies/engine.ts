import { insertSignal, type NewSignal } from "../../db/signals";
import { loadStrategyStatuses, saveStrategyStatus } from "../../db/strategy-states";
import type { StrategyStatus } from "../../db/schema";
import { log } from "../../log";
import type { Hub, Subscription } from "../../realtime/hub";
import { every, type Loop } from "../loop";
import { subscribeTicks } from "../market/feed";
import { profileFor, roundTo } from "../market/simulator";
import type { Signal, StrategiesSnapshot, StrategyKind, StrategyView, Tick } from "../payloads";
import { Book } from "./book";
import { createRule, RULES, STRATEGY_KINDS, type Rule, type Target } from "./rules";

export interface StrategyDef {
  id: string;
  name: string;
  kind: StrategyKind;
  symbol: string;
  params?: Record<string, number>;
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");

/** One strategy of each kind, spread over the configured symbols. */
export function defaultStrategies(symbols: string[]): StrategyDef[] {
  if (symbols.length === 0) return [];
  return STRATEGY_KINDS.map((kind, i) => {
    const symbol = symbols[i % symbols.length]!;
    return { id: `${slug(kind)}-${slug(symbol)}`, name: `${RULES[kind].label} · ${symbol}`, kind, symbol };
  });
}

export type StrategyAction = "start" | "pause" | "stop";

/**
 * A refused control: no such strategy, or an action that makes no sense from the current
 * state (pausing a stopped strategy). Route handlers check `code`, not the class: the engine
 * runs in the custom server's copy of this module, the handler has its own.
 */
export class StrategyControlError extends Error {
  constructor(
    readonly code: "not_found" | "conflict",
    message: string,
  ) {
    super(message);
  }
}

export function isStrategyControlError(err: unknown): err is StrategyControlError {
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof Error && (code === "not_found" || code === "conflict");
}

class LiveStrategy {
  rule: Rule;
  readonly params: Record<string, number>;
  book = new Book();
  status: StrategyStatus = "running";
  lastPrice: number | null = null;
  signals = 0;
  lastSignalAt: number | null = null;
  /** Ticks to wait before the next trade: no flurry of signals around a crossing. */
  cooldown = 0;
  updatedAt = Date.now();

  constructor(readonly def: StrategyDef) {
    const created = createRule(def.kind, def.params);
    this.rule = created.rule;
    this.params = created.params;
  }

  held(): Target {
    return Math.sign(this.book.quantity) as Target;
  }

  reset() {
    this.rule = createRule(this.def.kind, this.params).rule;
    this.cooldown = 0;
  }

  view(): StrategyView {
    const unrealized = this.book.unrealized(this.lastPrice);
    const r2 = (n: number) => Math.round(n * 100) / 100;
    return {
      id: this.def.id,
      name: this.def.name,
      kind: this.def.kind,
      symbol: this.def.symbol,
      currency: profileFor(this.def.symbol).currency,
      status: this.status,
      params: this.params,
      position: { quantity: this.book.quantity, avgPrice: this.book.avgPrice },
      lastPrice: this.lastPrice,
      pnl: { realized: r2(this.book.realized), unrealized: r2(unrealized), total: r2(this.book.realized + unrealized) },
      trades: this.book.trades,
      signals: this.signals,
      lastSignalAt: this.lastSignalAt,
      warmupRemaining: Math.max(0, this.rule.warmup - this.rule.seen),
      updatedAt: this.updatedAt,
    };
  }
}

export interface EngineOptions {
  hub: Hub;
  strategies: StrategyDef[];
  /** How often the `strategies` state is republished (P&L moves with every tick). */
  publishIntervalMs: number;
  /** The size of a position, in the symbol's quote currency. */
  notional?: number;
  cooldownTicks?: number;
}

/**
 * Runs the strategies on the ticks of market.<symbol>: each decides the position it wants,
 * the engine trades the difference, keeps the book, stores each trade as a signal in Postgres
 * (ids increase in the order signals are published) and publishes it on `signals`.
 */
export class StrategyEngine {
  private readonly strategies = new Map<string, LiveStrategy>();
  private readonly subs: Subscription[] = [];
  private loop: Loop | undefined;
  /** Signals are stored and published one after another, so ids and seqs agree. */
  private signalQueue: Promise<unknown> = Promise.resolve();
  private readonly notional: number;
  private readonly cooldownTicks: number;

  constructor(private readonly opts: EngineOptions) {
    for (const def of opts.strategies) this.strategies.set(def.id, new LiveStrategy(def));
    this.notional = opts.notional ?? 100_000;
    this.cooldownTicks = opts.cooldownTicks ?? 10;
  }

  async start(): Promise<void> {
    const saved = await loadStrategyStatuses();
    for (const s of this.strategies.values()) s.status = saved.get(s.def.id) ?? "running";
    for (const symbol of new Set([...this.strategies.values()].map((s) => s.def.symbol))) {
      this.subs.push(await subscribeTicks(this.opts.hub, symbol, (t) => this.onTick(t)));
    }
    this.loop = every("strategies", this.opts.publishIntervalMs, () => this.publish(), { immediate: true });
  }

  async stop(): Promise<void> {
    for (const sub of this.subs.splice(0)) sub.close();
    await this.loop?.stop();
    await this.flush();
  }

  /** Resolves once every signal decided so far is stored and published. */
  async flush(): Promise<void> {
    let current: Promise<unknown>;
    do {
      current = this.signalQueue;
      await current;
    } while (current !== this.signalQueue);
  }

  has(id: string): boolean {
    return this.strategies.has(id);
  }

  snapshot(): StrategiesSnapshot {
    const strategies = [...this.strategies.values()].map((s) => s.view());
    const count = (status: StrategyStatus) => strategies.filter((s) => s.status === status).length;
    const inProfit = strategies.filter((s) => s.pnl.total > 0).length;
    return { ts: Date.now(), strategies, totals: { running: count("running"), paused: count("paused"), stopped: count("stopped"), inProfit } };
  }

  /** An admin's start / pause / stop: stored, audited, applied and published at once. */
  async control(id: string, action: StrategyAction, actorId: string | null): Promise<StrategyView> {
    const s = this.strategies.get(id);
    if (!s) throw new StrategyControlError("not_found", `No strategy ${id}.`);
    const next: StrategyStatus = action === "start" ? "running" : action === "pause" ? "paused" : "stopped";
    if (s.status === next) return s.view();
    if (action === "pause" && s.status === "stopped") throw new StrategyControlError("conflict", "A stopped strategy cannot be paused; start it first.");
    await saveStrategyStatus(id, next, actorId);
    if (next === "stopped") {
      if (s.book.quantity !== 0 && s.lastPrice !== null) this.trade(s, 0, s.lastPrice, "Stopped by an administrator: position closed", 1);
      s.reset();
    }
    s.status = next;
    s.updatedAt = Date.now();
    await this.publish();
    return s.view();
  }

  /** Feeds one tick to the strategies on its symbol. */
  onTick(tick: Tick): void {
    for (const s of this.strategies.values()) {
      if (s.def.symbol !== tick.symbol || s.status === "stopped") continue;
      s.lastPrice = tick.price;
      const decision = s.rule.next(tick.price, s.held());
      if (s.cooldown > 0) s.cooldown--;
      if (!decision || s.status !== "running" || s.cooldown > 0 || decision.target === s.held()) continue;
      this.trade(s, decision.target, tick.price, decision.reason, decision.confidence);
    }
  }

  private trade(s: LiveStrategy, target: Target, price: number, reason: string, confidence: number) {
    const lot = profileFor(s.def.symbol).lotSize;
    const size = Math.max(lot, roundTo(Math.floor(this.notional / price / lot) * lot, lot));
    const delta = roundTo(target * size - s.book.quantity, lot);
    if (delta === 0) return;
    s.book.fill(delta, price);
    s.cooldown = this.cooldownTicks;
    s.signals++;
    s.lastSignalAt = Date.now();
    s.updatedAt = s.lastSignalAt;
    const signal: NewSignal = {
      strategyId: s.def.id,
      symbol: s.def.symbol,
      side: delta > 0 ? "buy" : "sell",
      price,
      quantity: Math.abs(delta),
      positionAfter: s.book.quantity,
      confidence,
      reason,
    };
    this.signalQueue = this.signalQueue
      .then(async () => {
        const stored: Signal = await insertSignal(signal);
        await this.opts.hub.publishOne("signals", stored);
      })
      .catch((err: unknown) => log().error({ err, strategy: s.def.id }, "signal not stored"));
    void this.publish().catch(() => {});
  }

  private async publish(): Promise<void> {
    await this.opts.hub.publishOne("strategies", this.snapshot());
  }
}
