import { config as appConfig, type AppConfig } from "../config";
import { pruneSignals } from "../db/signals";
import { log } from "../log";
import type { Hub } from "../realtime/hub";
import { hub as processHub } from "../realtime/instance";
import { BacktestRunner, backtestsProducer, registerBacktestOwners } from "./backtests";
import { capacityProducer } from "./capacity";
import { chartProducer } from "./chart";
import { Leadership } from "./leadership";
import { every, type Loop } from "./loop";
import { marketProducer } from "./market";
import { monitoringProducer } from "./monitoring";
import { notificationsProducer } from "./notifications";
import { parseProducerSetting, producerState, type Producer, type ProducerName } from "./registry";
import { defaultStrategies, StrategyEngine } from "./strategies/engine";
import { systemStatusProducer } from "./system-status";

const SIGNAL_PRUNE_INTERVAL_MS = 10 * 60_000;

/** The producers PRODUCERS switches on, built from the configuration, in start order. */
function build(c: AppConfig, hub: Hub, names: ProducerName[]): Producer[] {
  const on = (n: ProducerName) => names.includes(n);
  const state = producerState();
  const out: Producer[] = [];
  if (on("monitoring")) out.push(monitoringProducer({ hub, intervalMs: c.MONITORING_INTERVAL_MS }));
  if (on("system_status")) out.push(systemStatusProducer({ hub, intervalMs: c.SYSTEM_STATUS_INTERVAL_MS }));
  if (on("capacity")) {
    const limits = { maxConnections: c.CAPACITY_MAX_CONNECTIONS, maxConnectionsPerUser: c.WS_MAX_CONNECTIONS_PER_USER, maxSubscriptionsPerConnection: c.WS_MAX_SUBSCRIPTIONS };
    out.push(capacityProducer({ hub, intervalMs: c.CAPACITY_INTERVAL_MS, limits }));
  }
  // The chart subscribes to the ticks before the market starts publishing them.
  const chart = on("chart") ? chartProducer({ hub, symbols: c.marketSymbols, intervalMs: c.CHART_INTERVAL_MS, keep: c.CHART_KEEP_CANDLES }) : undefined;
  if (chart) out.push(chart);
  if (on("market")) {
    out.push(
      marketProducer({ hub, symbols: c.marketSymbols, tickMs: c.MARKET_TICK_MS, backfillMinutes: c.MARKET_BACKFILL_MINUTES, seed: c.MARKET_SEED, onBackfill: chart?.seed }),
    );
  }
  if (on("strategies")) {
    const engine = new StrategyEngine({ hub, strategies: defaultStrategies(c.marketSymbols), publishIntervalMs: c.STRATEGIES_INTERVAL_MS });
    let prune: Loop | undefined;
    state.strategies = engine;
    out.push({
      name: "strategies",
      async start() {
        await engine.start();
        prune = every("signals retention", SIGNAL_PRUNE_INTERVAL_MS, () => pruneSignals(c.SIGNALS_KEEP), { immediate: true });
      },
      async stop() {
        await prune?.stop();
        await engine.stop();
        if (state.strategies === engine) state.strategies = undefined;
      },
    });
  }
  if (on("backtests")) {
    const runner = new BacktestRunner({ hub, durationMs: c.BACKTEST_DURATION_MS, maxConcurrent: c.BACKTEST_MAX_CONCURRENT });
    state.backtests = runner;
    const producer = backtestsProducer(runner);
    out.push({
      ...producer,
      async stop() {
        await producer.stop();
        if (state.backtests === runner) state.backtests = undefined;
      },
    });
  }
  if (on("notifications")) {
    out.push(
      notificationsProducer({ intervalMs: c.NOTIFICATIONS_PRUNE_INTERVAL_MS, keepPerUser: c.NOTIFICATIONS_KEEP_PER_USER, maxAgeDays: c.NOTIFICATIONS_MAX_AGE_DAYS }),
    );
  }
  return out;
}

// The backtest runner serves its own instance's requests; every other producer feeds shared
// topics and runs on one instance at a time: the holder of the broker's producers lease.
const EVERY_INSTANCE: ProducerName[] = ["backtests"];
const LEASE = { name: "producers", ttlMs: 15_000, renewMs: 5_000 };

async function startAll(producers: Producer[]): Promise<void> {
  const state = producerState();
  for (const producer of producers) {
    await producer.start();
    state.running.set(producer.name, producer);
  }
  if (producers.length) log().info({ producers: producers.map((p) => p.name) }, "producers started");
}

async function stopAll(names: ProducerName[]): Promise<void> {
  const state = producerState();
  for (const producer of [...state.running.values()].reverse()) {
    if (!names.includes(producer.name)) continue;
    await producer.stop().catch((err: unknown) => log().error({ err, producer: producer.name }, "producer did not stop cleanly"));
    state.running.delete(producer.name);
  }
}

const g = globalThis as typeof globalThis & { __switchbackLeadership?: Leadership };

/**
 * Starts the producers PRODUCERS names (after the database is ready). Backtest topics get
 * their owner lookup whichever run, so existing runs stay readable by their owners.
 */
export async function startProducers(c: AppConfig = appConfig(), hub: Hub = processHub()): Promise<void> {
  registerBacktestOwners();
  const names = parseProducerSetting(c.PRODUCERS);
  const local = names.filter((n) => EVERY_INSTANCE.includes(n));
  const shared = names.filter((n) => !EVERY_INSTANCE.includes(n));
  await startAll(build(c, hub, local));
  if (shared.length === 0) return;
  // Built afresh on every win: a producer is started once and stopped once.
  g.__switchbackLeadership = new Leadership(hub.broker, {
    ...LEASE,
    onGain: () => startAll(build(c, hub, shared)),
    onLose: () => stopAll(shared),
  });
  await g.__switchbackLeadership.start();
}

/** Stops every running producer, last started first, and hands the lease on. */
export async function stopProducers(): Promise<void> {
  await g.__switchbackLeadership?.stop();
  g.__switchbackLeadership = undefined;
  await stopAll([...producerState().running.keys()]);
}
