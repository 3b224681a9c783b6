import v8 from "node:v8";
import { checkHealth } from "../health";
import type { Hub } from "../realtime/hub";
import { every, type Loop } from "./loop";
import type { HealthLevel, SystemStatus } from "./payloads";
import { producerState, runningProducers, type Producer } from "./registry";

const RANK: Record<HealthLevel, number> = { healthy: 0, degraded: 1, unhealthy: 2 };
const worst = (levels: HealthLevel[]) => levels.reduce<HealthLevel>((w, l) => (RANK[l] > RANK[w] ? l : w), "healthy");

/** Thresholds of the checks that are not a dependency's own answer. */
export const STATUS_LIMITS = {
  lagDegradedMs: 200,
  lagUnhealthyMs: 1_000,
  heapDegradedPercent: 85,
  heapUnhealthyPercent: 95,
};

/** The service's status now: the database's answer, event-loop lag and heap use, worst wins. */
export async function systemStatus(startedAt: number): Promise<SystemStatus> {
  const checks: SystemStatus["checks"] = {};
  const health = await checkHealth();
  for (const [name, c] of Object.entries(health.checks)) {
    checks[name] = { status: c.status, detail: c.reason ?? (c.latencyMs !== undefined ? `${c.latencyMs} ms` : "ok") };
  }
  const heap = v8.getHeapStatistics();
  const heapPercent = (heap.used_heap_size / heap.heap_size_limit) * 100;
  checks.memory = {
    status: heapPercent >= STATUS_LIMITS.heapUnhealthyPercent ? "unhealthy" : heapPercent >= STATUS_LIMITS.heapDegradedPercent ? "degraded" : "healthy",
    detail: `heap ${heapPercent.toFixed(1)}% of limit`,
  };
  const latest = producerState().monitoringHistory.at(-1);
  if (latest) {
    const p99 = latest.eventLoop.p99Ms;
    checks.event_loop = {
      status: p99 >= STATUS_LIMITS.lagUnhealthyMs ? "unhealthy" : p99 >= STATUS_LIMITS.lagDegradedMs ? "degraded" : "healthy",
      detail: `p99 lag ${p99} ms`,
    };
  }
  return {
    ts: Date.now(),
    status: worst(Object.values(checks).map((c) => c.status)),
    checks,
    startedAt,
    node: process.version,
    pid: process.pid,
    producers: runningProducers(),
  };
}

/** `system_status`: publishes the status every `intervalMs`. */
export function systemStatusProducer(deps: { hub: Hub; intervalMs: number }): Producer {
  let loop: Loop | undefined;
  const startedAt = Date.now() - Math.round(process.uptime() * 1000);
  return {
    name: "system_status",
    async start() {
      loop = every("system_status", deps.intervalMs, async () => deps.hub.publishOne("system_status", await systemStatus(startedAt)), { immediate: true });
    },
    async stop() {
      await loop?.stop();
    },
  };
}
