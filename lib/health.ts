import { pingDatabase } from "./db/drizzle";
import { hub } from "./realtime/instance";

export type HealthStatus = "healthy" | "degraded" | "unhealthy";

export interface HealthCheck {
  status: HealthStatus;
  latencyMs?: number;
  reason?: string;
}

export interface HealthReport {
  status: HealthStatus;
  checks: Record<string, HealthCheck>;
}

async function timed(probe: () => Promise<void>): Promise<HealthCheck> {
  const started = performance.now();
  try {
    await probe();
    return { status: "healthy", latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return { status: "unhealthy", reason: err instanceof Error ? err.message : String(err) };
  }
}

const RANK: Record<HealthStatus, number> = { healthy: 0, degraded: 1, unhealthy: 2 };

/** Runs every dependency check; the overall status is the worst of them. */
export async function checkHealth(): Promise<HealthReport> {
  const broker = hub().broker;
  const [database, fanout] = await Promise.all([timed(pingDatabase), timed(() => broker.health())]);
  const checks: Record<string, HealthCheck> = { database, [`broker_${broker.name}`]: fanout };
  const status = Object.values(checks).reduce<HealthStatus>((worst, c) => (RANK[c.status] > RANK[worst] ? c.status : worst), "healthy");
  return { status, checks };
}
