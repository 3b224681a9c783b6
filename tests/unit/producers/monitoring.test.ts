import os from "node:os";
import { describe, expect, it } from "vitest";
import { Hub } from "@/lib/realtime/hub";
import { MemoryBroker } from "@/lib/realtime/memory-broker";
import { RealtimeMetrics } from "@/lib/realtime/metrics";
import { TopicRegistry } from "@/lib/realtime/topics";
import { measureCapacity } from "@/lib/producers/capacity";
import { monitoringProducer, SystemSampler } from "@/lib/producers/monitoring";
import type { MonitoringSample } from "@/lib/producers/payloads";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Burns `ms` of this process's CPU time (not wall time: the machine may be busy). */
function spin(ms: number) {
  const start = process.cpuUsage();
  let x = 0;
  for (;;) {
    for (let i = 0; i < 10_000; i++) x += Math.sqrt(x + i);
    const used = process.cpuUsage(start);
    if ((used.user + used.system) / 1000 >= ms) return x;
  }
}

describe("SystemSampler", () => {
  it("reports real memory that changes between samples, and CPU figures in range", async () => {
    const metrics = new RealtimeMetrics();
    const sampler = new SystemSampler(metrics);
    try {
      await sleep(50);
      const first = await sampler.sample();
      const wallStart = performance.now();
      // Allocate and keep ~20 MB, and burn CPU, so the next sample must differ.
      const ballast = Array.from({ length: 20 }, () => Buffer.alloc(1024 * 1024, 1));
      const held = Array.from({ length: 200_000 }, (_, i) => ({ i }));
      spin(150);
      // Let the lag histogram's timer fire once after the block, so it records the delay.
      await sleep(30);
      const wallMs = performance.now() - wallStart;
      const second = await sampler.sample();

      for (const s of [first, second]) {
        expect(s.memory.rssBytes).toBeGreaterThan(0);
        expect(s.memory.heapUsedBytes).toBeGreaterThan(0);
        expect(s.memory.hostTotalBytes).toBe(os.totalmem());
        expect(s.memory.hostFreeBytes).toBeGreaterThan(0);
        expect(s.cpu.hostPercent).toBeGreaterThanOrEqual(0);
        expect(s.cpu.hostPercent).toBeLessThanOrEqual(100);
        expect(s.cpu.cores).toBe(os.availableParallelism());
        expect(s.cpu.loadAvg).toHaveLength(3);
        expect(s.eventLoop.meanMs).toBeGreaterThanOrEqual(0);
        expect(s.uptime.processSec).toBeGreaterThanOrEqual(0);
      }
      expect(second.memory.rssBytes).not.toBe(first.memory.rssBytes);
      expect(second.memory.heapUsedBytes).not.toBe(first.memory.heapUsedBytes);
      // At least the 150 ms of CPU burnt, over the window the sample covers (a little longer than ours).
      expect(second.cpu.processPercent).toBeGreaterThan(((150 / wallMs) * 100) / 1.5);
      expect(second.cpu.processPercent).toBeLessThanOrEqual(100 * os.availableParallelism() + 5);
      // The blocking loop shows as event-loop lag.
      expect(second.eventLoop.maxMs).toBeGreaterThan(50);
      expect(ballast.length + held.length).toBeGreaterThan(0);
    } finally {
      sampler.close();
    }
  });

  it("turns the hub's counters into messages per second and counts connections by transport", async () => {
    const metrics = new RealtimeMetrics();
    const sampler = new SystemSampler(metrics);
    try {
      await sampler.sample();
      metrics.messagesIn.inc(40);
      metrics.messagesOut.inc({ transport: "websocket" }, 30);
      metrics.messagesOut.inc({ transport: "sse" }, 10);
      metrics.connections.set({ transport: "websocket" }, 3);
      metrics.connections.set({ transport: "polling" }, 1);
      await sleep(200);
      const s = await sampler.sample();
      expect(s.messages.inTotal).toBe(40);
      expect(s.messages.outTotal).toBe(40);
      // 40 messages in ~0.2 s.
      expect(s.messages.inPerSec).toBeGreaterThan(40);
      expect(s.messages.inPerSec).toBeLessThan(40 / 0.19);
      expect(s.connections).toEqual({ websocket: 3, sse: 0, polling: 1, total: 4 });
    } finally {
      sampler.close();
    }
  });
});

describe("monitoring producer", () => {
  it("publishes samples on the monitoring state topic", async () => {
    const hub = new Hub(new MemoryBroker(), new TopicRegistry(), new RealtimeMetrics());
    const producer = monitoringProducer({ hub, intervalMs: 100 });
    await producer.start();
    await sleep(350);
    await producer.stop();
    const topic = await hub.topics.authorizeRead("monitoring", { userId: "u", role: "user" });
    if (!topic.ok) throw new Error(topic.message);
    const { messages, seq } = await hub.read(topic.topic, undefined);
    expect(seq).toBeGreaterThanOrEqual(2);
    const latest = messages.at(-1)!.data as MonitoringSample;
    expect(latest.memory.rssBytes).toBeGreaterThan(0);
    expect(typeof latest.cpu.processPercent).toBe("number");
  });
});

describe("capacity", () => {
  it("reports connections and subscriptions per transport against the limits, with headroom", async () => {
    const metrics = new RealtimeMetrics();
    metrics.connections.set({ transport: "websocket" }, 4);
    metrics.subscriptions.set({ transport: "websocket" }, 10);
    metrics.connections.set({ transport: "sse" }, 2);
    metrics.subscriptions.set({ transport: "sse" }, 6);
    const c = await measureCapacity(metrics, { maxConnections: 8, maxConnectionsPerUser: 20, maxSubscriptionsPerConnection: 5 });
    expect(c.transports.websocket).toEqual({ connections: 4, subscriptions: 10, subscriptionHeadroom: 10, subscriptionUsePercent: 50 });
    expect(c.transports.sse).toEqual({ connections: 2, subscriptions: 6, subscriptionHeadroom: 4, subscriptionUsePercent: 60 });
    expect(c.transports.polling.connections).toBe(0);
    expect(c.total).toEqual({ connections: 6, subscriptions: 16, connectionHeadroom: 2, connectionUsePercent: 75 });
    expect(c.status).toBe("healthy");
    metrics.connections.set({ transport: "polling" }, 1);
    expect((await measureCapacity(metrics, c.limits)).status).toBe("degraded");
  });
});
