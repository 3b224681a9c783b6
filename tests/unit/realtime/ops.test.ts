import { describe, expect, it } from "vitest";
import { ClientEventLimiter, ClientEvents, clientEventSchema } from "@/lib/realtime/client-events";
import { Hub } from "@/lib/realtime/hub";
import { LiveConnections, POLLING_WINDOW_MS } from "@/lib/realtime/live-connections";
import { MemoryBroker } from "@/lib/realtime/memory-broker";
import { RealtimeMetrics } from "@/lib/realtime/metrics";
import { histogramQuantile, OPS_TOPIC, OpsSampler, type OpsState, type WebSocketView } from "@/lib/realtime/ops-sampler";
import { TopicRegistry } from "@/lib/realtime/topics";

/** The admin operations view's parts: link reports, per-user live links, and the sampler. */

describe("ClientEvents", () => {
  it("counts fallbacks and upgrades per minute, with reasons, over a 15-minute window", () => {
    let now = Date.UTC(2026, 10, 1, 12, 0, 30);
    const events = new ClientEvents(() => now);
    const fallback = (reason: string) => clientEventSchema.parse({ kind: "fallback", from: "websocket", to: "sse", reason });
    events.record(fallback("connect timeout"));
    events.record(fallback("connect timeout"));
    events.record(clientEventSchema.parse({ kind: "fallback", from: "sse", to: "polling", reason: "no first event within 5 s" }));
    now += 60_000;
    events.record(clientEventSchema.parse({ kind: "upgrade", from: "sse", to: "websocket", reason: "probe" }));

    const summary = events.summary();
    expect(summary.minutes).toHaveLength(15);
    expect(summary.minutes.slice(-2).map((m) => [m.fallbacks, m.upgrades, m.websocketFailures])).toEqual([
      [3, 0, 2],
      [0, 1, 0],
    ]);
    expect(summary.reasons).toEqual([
      { reason: "websocket → sse: connect timeout", count: 2 },
      { reason: "sse → polling: no first event within 5 s", count: 1 },
    ]);
    expect(events.websocketFailuresSince(now - 120_000)).toBe(2);

    now += 15 * 60_000;
    expect(events.summary().minutes.every((m) => m.fallbacks === 0 && m.upgrades === 0)).toBe(true);
    expect(events.summary().reasons).toEqual([]);
  });

  it("refuses what is not a report", () => {
    expect(clientEventSchema.safeParse({ kind: "fallback", from: "carrier-pigeon", to: "sse", reason: "" }).success).toBe(false);
    expect(clientEventSchema.safeParse({ kind: "fallback", from: "websocket", to: "sse", extra: 1 }).success).toBe(false);
    expect(clientEventSchema.safeParse({ kind: "fallback", from: "websocket", to: "sse", reason: "x".repeat(301) }).success).toBe(false);
  });

  it("limits reports per user: a burst, then one every few seconds", () => {
    const limiter = new ClientEventLimiter(1 / 6, 3);
    expect([1, 2, 3].map(() => limiter.take("u1"))).toEqual([0, 0, 0]);
    expect(limiter.take("u1")).toBeGreaterThan(0);
    expect(limiter.take("u2")).toBe(0);
  });
});

describe("LiveConnections", () => {
  it("counts SSE streams per user and polling users within the window", () => {
    let now = 1_000_000;
    const live = new LiveConnections(() => now);
    const close1 = live.openSse("a");
    const close2 = live.openSse("a");
    live.polled("b");
    expect(live.of("a")).toMatchObject({ sse: 2, polling: 0 });
    expect(live.of("b")).toMatchObject({ sse: 0, polling: 1, lastPollAt: now });
    close1();
    close1();
    expect(live.of("a").sse).toBe(1);
    close2();
    now += POLLING_WINDOW_MS + 1;
    expect(live.users()).toEqual({ sse: new Set(), polling: new Set() });
  });
});

describe("histogramQuantile", () => {
  it("interpolates inside the bucket that holds the quantile, in ms", () => {
    const buckets: Array<[number, number]> = [
      [0.001, 0],
      [0.005, 50],
      [0.01, 100],
      [Infinity, 100],
    ];
    expect(histogramQuantile(buckets, 0.5)).toBeCloseTo(5);
    expect(histogramQuantile(buckets, 0.25)).toBeCloseTo(3);
    expect(histogramQuantile(buckets, 0.99)).toBeCloseTo(9.9);
    expect(histogramQuantile([[0.01, 0], [Infinity, 0]], 0.5)).toBeNull();
    // Past the largest bound all we know is "more than that".
    expect(histogramQuantile([[0.01, 0], [Infinity, 4]], 0.5)).toBe(10);
  });
});

describe("OpsSampler", () => {
  it("publishes rates, latency, users by transport and the WebSocket success rate on admin.realtime", async () => {
    const metrics = new RealtimeMetrics();
    const hub = new Hub(new MemoryBroker(), new TopicRegistry(), metrics);
    let now = 0;
    let sockets: WebSocketView = { users: [] };
    const live = new LiveConnections(() => now);
    const events = new ClientEvents(() => now);
    const sampler = new OpsSampler({
      hub,
      websocket: () => sockets,
      live,
      clientEvents: events,
      health: async () => ({ status: "healthy", checks: {} }),
      instance: "test#1",
      intervalMs: 5_000,
      keep: 3,
      now: () => now,
    });
    expect(await sampler.tick()).toBeUndefined();

    now = 5_000;
    sockets = { users: [{ userId: "a", connections: [{ id: "c1" }, { id: "c2" }] }] };
    live.openSse("b");
    live.polled("a");
    metrics.messagesOut.inc({ transport: "websocket" }, 50);
    for (let i = 0; i < 100; i++) metrics.deliveryLatency.observe({ transport: "websocket" }, i < 50 ? 0.004 : 0.008);
    metrics.errors.inc({ kind: "unauthenticated" });
    events.record({ kind: "fallback", from: "websocket", to: "sse", reason: "blocked" });
    const state = (await sampler.tick()) as OpsState;

    expect(state.instance).toBe("test#1");
    expect(state.latest.connections).toEqual({ websocket: 2, sse: 1, polling: 1 });
    expect(state.latest.users).toEqual({ total: 2, websocket: 1, sse: 1, polling: 1 });
    expect(state.latest.messagesOutPerSec.websocket).toBe(10);
    expect(state.latest.p50Ms).toBeCloseTo(5);
    expect(state.latest.p99Ms).toBeGreaterThan(9);
    expect(state.latest.p99Ms).toBeLessThanOrEqual(10);
    // Two opened, one refused by the server, one failure reported by a browser.
    expect(state.websocket).toEqual({ successRate: 0.5, opened: 2, refused: 1, failed: 1 });
    expect(state.fallbacks.reasons).toEqual([{ reason: "websocket → sse: blocked", count: 1 }]);

    for (const t of [10_000, 15_000, 20_000]) {
      now = t;
      await sampler.tick();
    }
    const published = await hub.read({ name: OPS_TOPIC, key: OPS_TOPIC, kind: "state", rule: hub.topics.find(OPS_TOPIC)! }, undefined);
    const last = published.messages.at(-1)!.data as OpsState;
    expect(last.series.map((s) => s.t)).toEqual([10_000, 15_000, 20_000]);
    expect(last.latest.p50Ms).toBeNull();
    expect(last.websocket.opened).toBe(0);
  });
});
