import crypto from "node:crypto";
import { z } from "zod";
import { MARKET_SYMBOL } from "../config";
import { failInterruptedBacktests, findBacktestOwner, updateBacktest } from "../db/backtests";
import type { BacktestRow } from "../db/schema";
import { log } from "../log";
import type { Hub } from "../realtime/hub";
import { registerTopicOwners } from "../realtime/instance";
import { every, sleep, type Loop } from "./loop";
import { CandleSeries } from "./market/candles";
import { profileFor, SymbolWalk } from "./market/simulator";
import { notify } from "./notifications";
import type { BacktestParams, BacktestProgress, BacktestResult, BacktestStatus, BacktestView, StrategyKind } from "./payloads";
import { hashString, Random } from "./random";
import type { Producer } from "./registry";
import { Book } from "./strategies/book";
import { createRule, RULES, STRATEGY_KINDS, type Target } from "./strategies/rules";

export const BACKTEST_STEPS = ["Generating market data", "Warming up indicators", "Simulating trades", "Computing statistics", "Saving the report"];
/** Each step's share of the work (and of the paced wall-clock time). */
const STEP_WEIGHTS = [0.25, 0.1, 0.45, 0.1, 0.1];
const MAX_BARS = 50_000;
const FEE_BPS = 2;
const EQUITY_POINTS = 120;
/** The share of the work done before step `i` starts. */
const weightBefore = (i: number) => STEP_WEIGHTS.slice(0, i).reduce((a, b) => a + b, 0);

/** POST /api/v1/backtests. */
export const backtestRequestSchema = z
  .object({
    strategy: z.enum(STRATEGY_KINDS as [StrategyKind, ...StrategyKind[]]),
    symbol: z.string().regex(MARKET_SYMBOL, "a symbol such as AAPL or 0700.HK"),
    days: z.number().int().min(1).max(365).default(30),
    barMinutes: z.union([z.literal(1), z.literal(5), z.literal(15), z.literal(60)]).default(15),
    initialCapital: z.number().min(1_000).max(1e9).default(100_000),
    seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
    strategyParams: z.record(z.string(), z.number()).optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if ((v.days * 1440) / v.barMinutes > MAX_BARS) {
      ctx.addIssue({ code: "custom", path: ["days"], message: `at most ${MAX_BARS} bars: use fewer days or longer bars` });
    }
    try {
      createRule(v.strategy, v.strategyParams);
    } catch (err) {
      ctx.addIssue({ code: "custom", path: ["strategyParams"], message: (err as Error).message });
    }
  });

export type BacktestRequest = z.infer<typeof backtestRequestSchema>;

export function toBacktestView(row: BacktestRow): BacktestView {
  return {
    id: row.id,
    userId: row.userId,
    strategy: row.strategy as StrategyKind,
    symbol: row.symbol,
    params: row.params as BacktestParams,
    status: row.status,
    progress: row.progress,
    step: row.step,
    steps: BACKTEST_STEPS,
    result: (row.result as BacktestResult | null) ?? null,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isBacktestId = (id: string) => UUID.test(id);

const g = globalThis as typeof globalThis & { __switchbackBacktestOwners?: boolean };

/** backtest.<id> is readable by the user who started it (and admins). Once per process. */
export function registerBacktestOwners(): void {
  if (g.__switchbackBacktestOwners) return;
  g.__switchbackBacktestOwners = true;
  registerTopicOwners(async (topic) => {
    const id = topic.startsWith("backtest.") ? topic.slice("backtest.".length) : "";
    return isBacktestId(id) ? findBacktestOwner(id) : undefined;
  });
}

class Interrupted extends Error {}

const RUNNER_LEASE_MS = 15_000;
const RECOVER_INTERVAL_MS = 30_000;
const runnerLease = (id: string) => `backtest-runner:${id}`;

interface Run {
  row: BacktestRow;
  abort: AbortController;
}

/**
 * Runs backtests in the background, at most `maxConcurrent` at once, in order of arrival.
 * The work is real (a simulated history, the strategy's rule, the book and the statistics) and
 * paced to take about `durationMs`, so its progress is something a person can watch.
 */
export class BacktestRunner {
  /** Who owns the runs this process executes (see the runner column). */
  readonly id = crypto.randomUUID();
  private leaseTimer?: ReturnType<typeof setInterval>;
  private readonly queue: BacktestRow[] = [];
  private readonly running = new Map<string, Run>();
  private readonly done = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly opts: { hub: Hub; durationMs: number; maxConcurrent: number }) {
    registerBacktestOwners();
  }

  /**
   * Holds this runner's lease while it lives, so other instances know its runs are in hand.
   * With the memory broker there is one instance and every lease is its own.
   */
  async claim(): Promise<void> {
    const renew = () => this.opts.hub.broker.lease(runnerLease(this.id), RUNNER_LEASE_MS).catch(() => false);
    await renew();
    this.leaseTimer = setInterval(() => void renew(), RUNNER_LEASE_MS / 3);
    this.leaseTimer.unref();
  }

  /**
   * Fails what runners that are gone left unfinished (a restart, a crashed instance) and tells
   * the owners. A runner is gone when its lease can be taken: nobody renews it any more.
   */
  async recover(): Promise<void> {
    const isGone = async (runner: string | null) =>
      runner !== this.id && (runner === null || (await this.opts.hub.broker.lease(runnerLease(runner), 1)));
    const interrupted = await failInterruptedBacktests("Interrupted: the server restarted before it finished.", isGone);
    for (const row of interrupted) await this.announce(row.id, row.userId, this.labelOf(row), "failed", row.error ?? "Interrupted");
  }

  enqueue(row: BacktestRow): void {
    if (this.stopped) throw new Error("the backtest runner is stopped");
    this.queue.push(row);
    void this.publish(row.id, { status: "pending", progress: 0, step: null, stepIndex: -1, elapsedMs: 0, etaMs: null, result: null, error: null });
    this.pump();
  }

  /** Resolves when nothing is queued or running (tests). */
  async idle(): Promise<void> {
    while (this.queue.length || this.done.size) await Promise.all([...this.done]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    for (const run of this.running.values()) run.abort.abort();
    await Promise.all([...this.done]);
    clearInterval(this.leaseTimer);
    await this.opts.hub.broker.releaseLease(runnerLease(this.id)).catch(() => {});
  }

  private pump() {
    while (!this.stopped && this.running.size < this.opts.maxConcurrent && this.queue.length) {
      const row = this.queue.shift()!;
      const run: Run = { row, abort: new AbortController() };
      this.running.set(row.id, run);
      const p: Promise<void> = this.execute(run).finally(() => {
        this.running.delete(row.id);
        this.done.delete(p);
        this.pump();
      });
      this.done.add(p);
    }
  }

  private labelOf(row: Pick<BacktestRow, "strategy" | "symbol">) {
    return `${RULES[row.strategy as StrategyKind]?.label ?? row.strategy} on ${row.symbol}`;
  }

  private async execute({ row, abort }: Run): Promise<void> {
    const params = row.params as BacktestParams;
    const started = Date.now();
    let stepIndex = 0;
    let progress = 0;
    let lastPublished = 0;
    const snapshot = () => {
      const elapsedMs = Date.now() - started;
      const etaMs = progress >= 3 && progress < 100 ? Math.round((elapsedMs / progress) * (100 - progress)) : progress >= 100 ? 0 : null;
      return { status: "running" as BacktestStatus, progress, step: BACKTEST_STEPS[stepIndex] ?? null, stepIndex, elapsedMs, etaMs, result: null, error: null };
    };
    /** Reports `fraction` of the current step done, then waits until the pace allows more. */
    const advance = async (fraction: number) => {
      if (abort.signal.aborted) throw new Interrupted("Interrupted: the server is shutting down.");
      const done = weightBefore(stepIndex) + STEP_WEIGHTS[stepIndex]! * fraction;
      progress = Math.min(99, Math.floor(done * 100));
      const now = Date.now();
      if (now - lastPublished >= 100 || fraction >= 1) {
        lastPublished = now;
        await this.publish(row.id, snapshot());
      }
      const due = started + done * this.opts.durationMs;
      if (due > Date.now()) await sleep(due - Date.now());
    };
    const enterStep = async (i: number) => {
      stepIndex = i;
      lastPublished = 0; // a new step is always announced
      await updateBacktest(row.id, { status: "running", step: BACKTEST_STEPS[i]!, progress });
      await advance(0);
    };

    try {
      await updateBacktest(row.id, { status: "running", startedAt: new Date(started) });
      const result = await simulateBacktest(row, params, { enterStep, advance });
      await enterStep(4);
      await updateBacktest(row.id, { status: "completed", progress: 100, step: null, result, finishedAt: new Date() });
      progress = 100;
      await this.publish(row.id, { ...snapshot(), status: "completed", step: null, etaMs: 0, result });
      const sign = result.totalReturnPercent >= 0 ? "+" : "";
      await notify(row.userId, {
        title: `Backtest finished: ${this.labelOf(row)}`,
        body: `${sign}${result.totalReturnPercent}% over ${params.days} days (buy and hold ${result.buyAndHoldReturnPercent}%), ${result.trades} trades, max drawdown ${result.maxDrawdownPercent}%.`,
        priority: "normal",
        link: `/backtests?id=${row.id}`,
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (!(err instanceof Interrupted) && !(err instanceof RangeError)) log().error({ err, backtest: row.id }, "backtest failed");
      await updateBacktest(row.id, { status: "failed", error: message, finishedAt: new Date() }).catch(() => {});
      await this.announce(row.id, row.userId, this.labelOf(row), "failed", message, { ...snapshot(), status: "failed" });
    }
  }

  private async announce(id: string, userId: string, label: string, status: "failed", error: string, at?: Omit<BacktestProgress, "id" | "steps">) {
    await this.publish(id, { progress: 0, step: null, stepIndex: -1, elapsedMs: 0, etaMs: null, result: null, ...at, status, error }).catch(() => {});
    await notify(userId, { title: `Backtest failed: ${label}`, body: error, priority: "high", link: `/backtests?id=${id}` }).catch((err: unknown) =>
      log().error({ err, backtest: id }, "failure notification not sent"),
    );
  }

  private publish(id: string, p: Omit<BacktestProgress, "id" | "steps">) {
    const data: BacktestProgress = { id, steps: BACKTEST_STEPS, ...p };
    return this.opts.hub.publishOne(`backtest.${id}`, data);
  }
}

export interface Pacing {
  enterStep(i: number): Promise<void>;
  advance(fraction: number): Promise<void>;
}

const CHUNKS = 20;
/** Histories with real-market daily ranges and a slow pull to the start price. */
const BACKTEST_WALK = { volatilityScale: 0.35, reversionHalfLifeSec: 30 * 86_400 };

/** Steps 0–3: the history, the warm-up, the trading and the statistics. */
export async function simulateBacktest(row: Pick<BacktestRow, "id" | "strategy" | "symbol" | "createdAt">, params: BacktestParams, pace: Pacing): Promise<BacktestResult> {
  const barMs = params.barMinutes * 60_000;
  const bars = Math.floor((params.days * 1440) / params.barMinutes);
  const substeps = Math.min(params.barMinutes, 15);
  const { rule } = createRule(row.strategy as StrategyKind, params.strategyParams);

  // 0. A history of the symbol at this bar size, from its own seeded walk.
  await pace.enterStep(0);
  const seed = params.seed ?? hashString(row.id);
  const walk = new SymbolWalk(profileFor(row.symbol), new Random(seed), BACKTEST_WALK);
  const series = new CandleSeries(row.symbol, barMs, { smaPeriod: 20, emaPeriod: 50 }, bars + 1);
  const start = Math.floor((row.createdAt.getTime() - params.days * 86_400_000) / barMs) * barMs;
  const dtMs = barMs / substeps;
  const chunk = Math.max(1, Math.ceil(bars / CHUNKS));
  for (let b = 0; b < bars; b++) {
    for (let s = 0; s < substeps; s++) {
      const t = walk.step(dtMs / 1000);
      series.add({ ts: start + b * barMs + s * dtMs, price: t.price, volume: t.volume });
    }
    if ((b + 1) % chunk === 0) await pace.advance((b + 1) / bars);
  }
  const closes = series.candles().map((c) => c.c);
  const times = series.candles().map((c) => c.t);

  // 1. Feed the rule until it can decide.
  await pace.enterStep(1);
  if (closes.length <= rule.warmup + 1) {
    throw new RangeError(`Not enough data: ${closes.length} bars for a warm-up of ${rule.warmup}. Use more days or shorter bars.`);
  }
  let held: Target = 0;
  for (let i = 0; i < rule.warmup - 1; i++) rule.next(closes[i]!, held);
  await pace.advance(1);

  // 2. Trade every bar after the warm-up: all in, long or short, with fees.
  await pace.enterStep(2);
  const book = new Book();
  let fees = 0;
  const equity: number[] = [];
  const first = rule.warmup - 1;
  const tradeChunk = Math.max(1, Math.ceil((closes.length - first) / CHUNKS));
  for (let i = first; i < closes.length; i++) {
    const price = closes[i]!;
    const d = rule.next(price, held);
    if (d && d.target !== held) {
      const value = params.initialCapital + book.realized + book.unrealized(price) - fees;
      const delta = (d.target * value) / price - book.quantity;
      fees += (Math.abs(delta) * price * FEE_BPS) / 10_000;
      book.fill(delta, price);
      held = d.target;
    }
    equity.push(params.initialCapital + book.realized + book.unrealized(price) - fees);
    if ((i - first + 1) % tradeChunk === 0) await pace.advance((i - first + 1) / (closes.length - first));
  }

  // 3. Statistics of the equity curve.
  await pace.enterStep(3);
  const returns = equity.slice(1).map((e, i) => e / equity[i]! - 1);
  const mean = returns.reduce((a, b) => a + b, 0) / Math.max(1, returns.length);
  const sd = Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / Math.max(1, returns.length - 1));
  let peak = -Infinity;
  let maxDd = 0;
  for (const e of equity) {
    peak = Math.max(peak, e);
    maxDd = Math.max(maxDd, (peak - e) / peak);
  }
  const r2 = (n: number) => Math.round(n * 100) / 100;
  const step = Math.max(1, Math.ceil(equity.length / EQUITY_POINTS));
  const curve: Array<[number, number]> = [];
  for (let i = 0; i < equity.length; i += step) curve.push([times[first + i]!, r2(equity[i]!)]);
  curve.push([times.at(-1)!, r2(equity.at(-1)!)]);
  await pace.advance(1);
  const finalEquity = equity.at(-1)!;
  return {
    bars: closes.length,
    trades: book.trades,
    winRatePercent: book.closes ? r2((book.wins / book.closes) * 100) : 0,
    totalReturnPercent: r2((finalEquity / params.initialCapital - 1) * 100),
    buyAndHoldReturnPercent: r2((closes.at(-1)! / closes[first]! - 1) * 100),
    maxDrawdownPercent: r2(maxDd * 100),
    sharpe: sd > 0 ? r2((mean / sd) * Math.sqrt((365 * 1440) / params.barMinutes)) : 0,
    initialCapital: params.initialCapital,
    finalEquity: r2(finalEquity),
    startPrice: closes[first]!,
    endPrice: closes.at(-1)!,
    equity: curve,
  };
}

/**
 * `backtests`: owns the runner route handlers use, and recovers interrupted runs at start and
 * then every half minute (an instance that crashed never restarts to clean up after itself).
 */
export function backtestsProducer(runner: BacktestRunner): Producer {
  let sweep: Loop | undefined;
  return {
    name: "backtests",
    async start() {
      await runner.claim();
      sweep = every("interrupted backtests", RECOVER_INTERVAL_MS, () => runner.recover(), { immediate: true });
    },
    async stop() {
      await sweep?.stop();
      await runner.stop();
    },
  };
}
