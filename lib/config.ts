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
