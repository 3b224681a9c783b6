import path from "node:path";
import { z } from "zod";

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
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  // Realtime hub: stream history kept for resume, and what a subscriber without a cursor gets.
  REALTIME_HISTORY_MAX: z.coerce.number().int().min(1).default(1_000),
  REALTIME_HISTORY_MAX_AGE_MS: z.coerce.number().int().min(1_000).default(10 * 60_000),
  REALTIME_RECENT_LIMIT: z.coerce.number().int().min(0).default(100),
  // WebSocket endpoint (PROTOCOL.md limits).
  WS_HEARTBEAT_MS: z.coerce.number().int().min(1_000).default(25_000),
  WS_MAX_SUBSCRIPTIONS: z.coerce.number().int().min(1).default(100),
  WS_MAX_FRAME_BYTES: z.coerce.number().int().min(256).default(16 * 1024),
  WS_MAX_CONNECTIONS_PER_USER: z.coerce.number().int().min(1).default(20),
  WS_INBOUND_RATE: z.coerce.number().positive().default(20),
  WS_INBOUND_BURST: z.coerce.number().positive().default(60),
  WS_SEND_BUFFER_BYTES: z.coerce.number().int().min(16 * 1024).default(1024 * 1024),
  WS_PERMESSAGE_DEFLATE: z.stringbool().default(false),
  WS_DEFLATE_THRESHOLD_BYTES: z.coerce.number().int().min(0).default(1024),
  WS_DEFLATE_CONCURRENCY: z.coerce.number().int().min(1).default(4),
  // Server-Sent Events.
  SSE_HEARTBEAT_MS: z.coerce.number().int().min(1_000).default(15_000),
  // POST /api/v1/publish, per API key (or admin): a token bucket.
  PUBLISH_RATE: z.coerce.number().positive().default(1_000),
  PUBLISH_BURST: z.coerce.number().positive().default(2_000),
  PUBLISH_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
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
};

export const DEFAULT_ADMIN_PASSWORD = "switchback-admin";
export const DEFAULT_DEMO_PASSWORD = "switchback-demo";

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== "")));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const c = parsed.data;
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
    allowedOrigins: (c.ALLOWED_ORIGINS ?? "")
      .split(",")
      .map((o) => o.trim())
      .filter(Boolean),
  };
}

const g = globalThis as typeof globalThis & { __switchbackConfig?: AppConfig };

/** The process-wide configuration (shared by the custom server and route bundles). */
export function config(): AppConfig {
  return (g.__switchbackConfig ??= loadConfig());
}
