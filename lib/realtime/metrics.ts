import client from "prom-client";

export type TransportName = "websocket" | "sse" | "polling";

/**
 * Counters and gauges of the realtime layer, on one prom-client registry per process: read by
 * GET /metrics (Prometheus text) and GET /api/v1/realtime/stats (JSON).
 */
export class RealtimeMetrics {
  readonly registry = new client.Registry();
  readonly connections = new client.Gauge({ name: "switchback_connections", help: "Open realtime connections", labelNames: ["transport"], registers: [this.registry] });
  readonly subscriptions = new client.Gauge({ name: "switchback_subscriptions", help: "Live subscriptions", labelNames: ["transport"], registers: [this.registry] });
  readonly messagesIn = new client.Counter({ name: "switchback_messages_published_total", help: "Messages published to the hub", registers: [this.registry] });
  readonly messagesOut = new client.Counter({ name: "switchback_messages_delivered_total", help: "Messages delivered to clients", labelNames: ["transport"], registers: [this.registry] });
  readonly coalesced = new client.Counter({ name: "switchback_messages_coalesced_total", help: "State messages replaced by a newer value before sending", registers: [this.registry] });
  readonly resynced = new client.Counter({ name: "switchback_resyncs_total", help: "Slow stream subscribers told to resync", registers: [this.registry] });
  readonly errors = new client.Counter({ name: "switchback_errors_total", help: "Errors answered or caught", labelNames: ["kind"], registers: [this.registry] });
  readonly deliveryLatency = new client.Histogram({
    name: "switchback_delivery_latency_seconds",
    help: "Publish-to-write latency on the server",
    labelNames: ["transport"],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor() {
    client.collectDefaultMetrics({ register: this.registry, prefix: "switchback_process_" });
  }

  async snapshot() {
    const byLabel = async (metric: client.Gauge | client.Counter, label: string) => {
      const out: Record<string, number> = {};
      for (const v of (await metric.get()).values) {
        const key = String(v.labels[label] ?? "all");
        out[key] = (out[key] ?? 0) + v.value;
      }
      return out;
    };
    const total = async (metric: client.Counter) => (await metric.get()).values.reduce((n, v) => n + v.value, 0);
    return {
      connections: await byLabel(this.connections, "transport"),
      subscriptions: await byLabel(this.subscriptions, "transport"),
      messagesIn: await total(this.messagesIn),
      messagesOut: await byLabel(this.messagesOut, "transport"),
      coalesced: await total(this.coalesced),
      resynced: await total(this.resynced),
      errors: await byLabel(this.errors, "kind"),
    };
  }
}
