import type { Hub } from "../realtime/hub";
import type { RealtimeMetrics } from "../realtime/metrics";
import { every, type Loop } from "./loop";
import { byTransport } from "./monitoring";
import type { CapacitySnapshot, HealthLevel, Transport } from "./payloads";
import type { Producer } from "./registry";

export interface CapacityLimits {
  /** The connections one instance is sized for (CAPACITY_MAX_CONNECTIONS). */
  maxConnections: number;
  maxConnectionsPerUser: number;
  maxSubscriptionsPerConnection: number;
}

const percent = (used: number, of: number) => (of > 0 ? Math.round((used / of) * 1000) / 10 : 0);

/** Connections and subscriptions per transport against the limits, with headroom. */
export async function measureCapacity(metrics: RealtimeMetrics, limits: CapacityLimits): Promise<CapacitySnapshot> {
  const snap = await metrics.snapshot();
  const connections = byTransport(snap.connections);
  const subscriptions = byTransport(snap.subscriptions);
  const transports = {} as CapacitySnapshot["transports"];
  for (const t of ["websocket", "sse", "polling"] as Transport[]) {
    const allowance = connections[t] * limits.maxSubscriptionsPerConnection;
    transports[t] = {
      connections: connections[t],
      subscriptions: subscriptions[t],
      subscriptionHeadroom: Math.max(0, allowance - subscriptions[t]),
      subscriptionUsePercent: percent(subscriptions[t], allowance),
    };
  }
  const use = percent(connections.total, limits.maxConnections);
  const status: HealthLevel = use >= 95 ? "unhealthy" : use >= 80 ? "degraded" : "healthy";
  return {
    ts: Date.now(),
    limits,
    transports,
    total: {
      connections: connections.total,
      subscriptions: subscriptions.total,
      connectionHeadroom: Math.max(0, limits.maxConnections - connections.total),
      connectionUsePercent: use,
    },
    status,
  };
}

/** `capacity`: publishes the headroom every `intervalMs`. */
export function capacityProducer(deps: { hub: Hub; intervalMs: number; limits: CapacityLimits }): Producer {
  let loop: Loop | undefined;
  return {
    name: "capacity",
    async start() {
      loop = every("capacity", deps.intervalMs, async () => deps.hub.publishOne("capacity", await measureCapacity(deps.hub.metrics, deps.limits)), {
        immediate: true,
      });
    },
    async stop() {
      await loop?.stop();
    },
  };
}
