import path from "node:path";
import { z } from "zod";
import { TOPIC_NAME } from "./realtime/protocol";

/**
 * Every environment variable the app reads, parsed once. The README's configuration table
 * mirrors this schema; add a variable here and there together.
 */
const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().default("0.0.0.0"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().default(".data"),
  DATABASE_URL: z.string().url().optional(),
  PGLITE_DIR: z.string().optional(),
  AUTH_SECRET: z.string().min(16).optional(),
  NEXTAUTH_URL: z.string().url().optional(),
  ADMIN_EMAIL: z.string().email().default("admin@switchback.local"),
  ADMIN_PASSWORD: z.string().min(8).optional(),
  DEMO_EMAIL: z.string().email().default("demo@switchback.local"),
  DEMO_PASSWORD: z.string().min(8).optional(),
  ALLOWED_ORIGINS: z.string().optional(),
  // Behind a reverse proxy that sets X-Forwarded-For, trust it for client addresses.
  TRUST_PROXY: z.stringbool().default(false),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  // Realtime hub: stream history kept for resume, and what a subscriber without a cursor gets.
  REALTIME_HISTORY_MAX: z.coerce.number().int().min(1).default(1_000),
  REALTIME_HISTORY_MAX_AGE_MS: z.coerce.number().int().min(1_000).default(10 * 60_000),
  // Fan-out across instances: memory (one instance) unless REDIS_URL is set.
  REDIS_URL: z.string().url().optional(),
  REDIS_PREFIX: z.string().default("switchback:"),
  REALTIME_RECENT_LIMIT: z.coerce.number().int().min(0).default(100),
  // WebSocket endpoint (PROTOCOL.md limits).
  WS_HEARTBEAT_MS: z.coerce.number().int().min(1_000).default(25_000),
  WS_MAX_SUBSCRIPTIONS: z.coerce.number().int().min(1).default(100),
  WS_MAX_FRAME_BYTES: z.coerce.number().int().min(256).default(16 * 1024),
  WS_MAX_CONNECTIONS_PER_USER: z.coerce.number().int().min(1).default(20),
  WS_INBOUND_RATE: z.coerce.number().positive().default(20),
  WS_INBOUND_BURST: z.coerce.number().positive().default(150),
  WS_SEND_BUFFER_BYTES: z.coerce.number().int().min(16 * 1024).default(1024 * 1024),
  WS_PERMESSAGE_DEFLATE: z.stringbool().default(false),
  WS_DEFLATE_THRESHOLD_BYTES: z.coerce.number().int().min(0).default(1024),
  WS_DEFLATE_CONCURRENCY: z.coerce.number().int().min(1).default(4),
  // Server-Sent Events.
  SSE_HEARTBEAT_MS: z.coerce.number().int().min(1_000).default(15_000),
  // The `retry:` a stream opens with: how long a browser waits before reconnecting.
  SSE_RETRY_MS: z.coerce.number().int().min(100).default(2_000),
  // Bytes a stream may queue for a slow client before state topics coalesce and a lagging
  // stream topic ends the stream (the browser resumes from Last-Event-ID).
  SSE_BUFFER_BYTES: z.coerce.number().int().min(16 * 1024).default(1024 * 1024),
  // POST /api/v1/publish, per API key (or admin): a token bucket.
  PUBLISH_RATE: z.coerce.number().positive().default(1_000),
  PUBLISH_BURST: z.coerce.number().positive().default(2_000),
  PUBLISH_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
  // Producers (lib/producers): "on", "off", or a list of names to run, e.g. "monitoring,market".
  // Names: monitoring (and system_status), capacity, market (ticks and charts), strategies,
  // backtests, notifications (pruning). With several instances on Redis, all but backtests run
  // on one instance at a time (a lease in Redis), so any instance may be given the same list.
  PRODUCERS: z.string().default("on"),
  MONITORING_INTERVAL_MS: z.coerce.number().int().min(100).default(2_000),
  SYSTEM_STATUS_INTERVAL_MS: z.coerce.number().int().min(500).default(10_000),
  CAPACITY_INTERVAL_MS: z.coerce.number().int().min(100).default(5_000),
  // The connections one instance is sized for (capacity reports headroom against it).
  CAPACITY_MAX_CONNECTIONS: z.coerce.number().int().min(1).default(5_000),
  MARKET_SYMBOLS: z.string().default("0700.HK,AAPL,BTC-USDT"),
  MARKET_TICK_MS: z.coerce.number().int().min(20).default(1_000),
  // Minutes of simulated history built at start, so charts are not empty on a fresh server.
  MARKET_BACKFILL_MINUTES: z.coerce.number().int().min(0).max(24 * 60).default(120),
  MARKET_SEED: z.coerce.number().int().optional(),
  CHART_INTERVAL_MS: z.coerce.number().int().min(1_000).default(60_000),
  CHART_KEEP_CANDLES: z.coerce.number().int().min(10).max(5_000).default(500),
  STRATEGIES_INTERVAL_MS: z.coerce.number().int().min(100).default(2_000),
  // How long a backtest takes on the wall clock (its work is paced so progress is watchable).
  BACKTEST_DURATION_MS: z.coerce.number().int().min(0).default(12_000),
  BACKTEST_MAX_CONCURRENT: z.coerce.number().int().min(1).default(2),
  BACKTEST_MAX_ACTIVE_PER_USER: z.coerce.number().int().min(1).default(3),
  NOTIFICATIONS_KEEP_PER_USER: z.coerce.number().int().min(1).default(200),
  NOTIFICATIONS_MAX_AGE_DAYS: z.coerce.number().min(0.001).default(30),
  NOTIFICATIONS_PRUNE_INTERVAL_MS: z.coerce.number().int().min(1_000).default(60 * 60_000),
  SIGNALS_KEEP: z.coerce.number().int().min(100).default(100_000),
});

export type AppConfig = z.infer<typeof envSchema> & {
  dataDir: string;
  pgliteDir: string;
  /** Local demo passwords used when ADMIN_PASSWORD / DEMO_PASSWORD are unset. */
  adminPassword: string;
  demoPassword: string;
  adminPasswordIsDefault: boolean;
  demoPasswordIsDefault: boolean;
  allowedOrigins: string[];
  /** Parsed MARKET_SYMBOLS, in order, without duplicates. */
  marketSymbols: string[];
};

/** A market symbol as the market.<symbol> and chart.<symbol> topics accept it. */
export const MARKET_SYMBOL = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;

export const DEFAULT_ADMIN_PASSWORD = "switchback-admin";
export const DEFAULT_DEMO_PASSWORD = "switchback-demo";

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== "")));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const c = parsed.data;
  const marketSymbols = [...new Set(splitList(c.MARKET_SYMBOLS))];
  const badSymbol = marketSymbols.find((s) => !MARKET_SYMBOL.test(s) || !TOPIC_NAME.test(`market.${s}`));
  if (badSymbol) throw new Error(`Invalid configuration: MARKET_SYMBOLS: "${badSymbol}" is not a symbol (letters, digits, . _ -)`);
  // turbopackIgnore: runtime paths, not files for the build to trace.
  const dataDir = path.resolve(/*turbopackIgnore: true*/ c.DATA_DIR);
  return {
    ...c,
    dataDir,
    pgliteDir: path.resolve(/*turbopackIgnore: true*/ c.PGLITE_DIR ?? path.join(dataDir, "pglite")),
    adminPassword: c.ADMIN_PASSWORD ?? DEFAULT_ADMIN_PASSWORD,
    demoPassword: c.DEMO_PASSWORD ?? DEFAULT_DEMO_PASSWORD,
    adminPasswordIsDefault: !c.ADMIN_PASSWORD,
    demoPasswordIsDefault: !c.DEMO_PASSWORD,
    allowedOrigins: splitList(c.ALLOWED_ORIGINS),
    marketSymbols,
  };
}

function splitList(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean);
}

const g = globalThis as typeof globalThis & { __switchbackConfig?: AppConfig };

/** The process-wide configuration (shared by the custom server and route bundles). */
export function config(): AppConfig {
  return (g.__switchbackConfig ??= loadConfig());
}
