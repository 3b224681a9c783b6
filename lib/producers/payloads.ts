/**
 * What each producer publishes (the `data` of an envelope) and what the REST endpoints return.
 * Types only: client components import these without pulling server code into the bundle.
 * Times are ms since the Unix epoch unless the name says ISO.
 */
import type { BacktestStatus, NotificationPriority, SignalSide, StrategyStatus } from "../db/schema";

export type { BacktestStatus, NotificationPriority, SignalSide, StrategyStatus };

export type Transport = "websocket" | "sse" | "polling";

/** `monitoring` (state): figures of this process and host, sampled every MONITORING_INTERVAL_MS. */
export interface MonitoringSample {
  ts: number;
  /** Seconds the sample covers (since the previous one). */
  intervalSec: number;
  cpu: {
    /** This process, percent of one core (can exceed 100 on several cores). */
    processPercent: number;
    /** The whole host, percent of all cores (0–100). */
    hostPercent: number;
    cores: number;
    loadAvg: [number, number, number];
  };
  memory: { rssBytes: number; heapUsedBytes: number; heapTotalBytes: number; externalBytes: number; hostTotalBytes: number; hostFreeBytes: number };
  eventLoop: { meanMs: number; p99Ms: number; maxMs: number; utilization: number };
  uptime: { processSec: number; hostSec: number };
  connections: Record<Transport, number> & { total: number };
  subscriptions: Record<Transport, number> & { total: number };
  messages: { inPerSec: number; outPerSec: number; inTotal: number; outTotal: number };
}

export type HealthLevel = "healthy" | "degraded" | "unhealthy";

/** `system_status` (state): overall service status with the reasons. */
export interface SystemStatus {
  ts: number;
  status: HealthLevel;
  checks: Record<string, { status: HealthLevel; detail: string }>;
  startedAt: number;
  node: string;
  pid: number;
  producers: string[];
}

export interface CapacityTransport {
  connections: number;
  subscriptions: number;
  /** Subscriptions still allowed on the open connections (each may hold WS_MAX_SUBSCRIPTIONS). */
  subscriptionHeadroom: number;
  /** Percent of the open connections' subscription allowance in use. */
  subscriptionUsePercent: number;
}

/** `capacity` (state): connections and subscriptions against the configured limits. */
export interface CapacitySnapshot {
  ts: number;
  limits: { maxConnections: number; maxConnectionsPerUser: number; maxSubscriptionsPerConnection: number };
  transports: Record<Transport, CapacityTransport>;
  total: { connections: number; subscriptions: number; connectionHeadroom: number; connectionUsePercent: number };
  status: HealthLevel;
}

/** `market.<symbol>` (stream): one trade. Session figures are since the server started. */
export interface Tick {
  symbol: string;
  ts: number;
  price: number;
  volume: number;
  bid?: number;
  ask?: number;
  sessionOpen?: number;
  sessionHigh?: number;
  sessionLow?: number;
  sessionVolume?: number;
  currency?: string;
}

export interface Candle {
  /** Start of the candle's interval. */
  t: number;
  o: number;
  h: number;
  l: number;
  c: number;
  v: number;
  /** Ticks folded into this candle. */
  n: number;
}

/** Indicator values at a candle's close (null until enough candles exist). */
export interface Indicators {
  sma: number | null;
  ema: number | null;
}

export interface IndicatorSpec {
  smaPeriod: number;
  emaPeriod: number;
}

/**
 * `chart.<symbol>` (stream): the candle a tick changed. Same `t` as the last one → replace it;
 * a later `t` → a new candle opened (the previous one is final).
 */
export interface ChartUpdate {
  symbol: string;
  intervalMs: number;
  candle: Candle & Indicators;
  spec: IndicatorSpec;
}

/** GET /api/v1/markets/:symbol/candles. */
export interface CandleSeries {
  symbol: string;
  intervalMs: number;
  spec: IndicatorSpec;
  candles: Array<Candle & Indicators>;
  last: Tick | null;
}

export interface MarketSummary {
  symbol: string;
  currency: string | null;
  last: Tick | null;
}

/** A persisted trading signal, as `signals` publishes it and GET /api/v1/signals returns it. */
export interface Signal {
  id: number;
  strategyId: string;
  symbol: string;
  side: SignalSide;
  price: number;
  quantity: number;
  positionAfter: number;
  confidence: number;
  reason: string;
  /** ISO 8601. */
  createdAt: string;
}

export type StrategyKind = "ema_cross" | "mean_reversion" | "breakout";

export interface StrategyView {
  id: string;
  name: string;
  kind: StrategyKind;
  symbol: string;
  /** The quote currency its prices and P&L are in (null when unknown). */
  currency: string | null;
  status: StrategyStatus;
  params: Record<string, number>;
  position: { quantity: number; avgPrice: number | null };
  lastPrice: number | null;
  pnl: { realized: number; unrealized: number; total: number };
  trades: number;
  signals: number;
  lastSignalAt: number | null;
  /** The warm-up still needed before it can act (0 when ready). */
  warmupRemaining: number;
  updatedAt: number;
}

/** `strategies` (state). */
export interface StrategiesSnapshot {
  ts: number;
  strategies: StrategyView[];
  /** Counts only: P&L is in each strategy's own currency and is not summed across them. */
  totals: { running: number; paused: number; stopped: number; inProfit: number };
}

export interface BacktestResult {
  bars: number;
  trades: number;
  winRatePercent: number;
  totalReturnPercent: number;
  buyAndHoldReturnPercent: number;
  maxDrawdownPercent: number;
  sharpe: number;
  initialCapital: number;
  finalEquity: number;
  startPrice: number;
  endPrice: number;
  /** The equity curve, downsampled: [time, equity]. */
  equity: Array<[number, number]>;
}

export interface BacktestView {
  id: string;
  userId: string;
  strategy: StrategyKind;
  symbol: string;
  params: BacktestParams;
  status: BacktestStatus;
  progress: number;
  step: string | null;
  steps: string[];
  result: BacktestResult | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface BacktestParams {
  days: number;
  barMinutes: number;
  initialCapital: number;
  seed?: number;
  strategyParams?: Record<string, number>;
}

/** `backtest.<id>` (stream): progress of one run. */
export interface BacktestProgress {
  id: string;
  status: BacktestStatus;
  progress: number;
  step: string | null;
  stepIndex: number;
  steps: string[];
  elapsedMs: number;
  /** Estimated time to completion; null until it can be estimated. */
  etaMs: number | null;
  result: BacktestResult | null;
  error: string | null;
}

export interface NotificationView {
  id: number;
  title: string;
  body: string;
  priority: NotificationPriority;
  link: string | null;
  read: boolean;
  /** ISO 8601. */
  createdAt: string;
}

/** `notifications` (stream, the caller's own): something was created, or something was read. */
export type NotificationEvent =
  | { kind: "created"; notification: NotificationView; unreadCount: number }
  | { kind: "read"; ids: number[]; unreadCount: number };
