import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { decodeCursorToken } from "@/lib/realtime/cursor-token";
import type { Envelope } from "@/lib/realtime/envelope";
import { Hub } from "@/lib/realtime/hub";
import { MemoryBroker } from "@/lib/realtime/memory-broker";
import { RealtimeMetrics } from "@/lib/realtime/metrics";
import type { RealtimeSettingsPayload } from "@/lib/realtime/protocol";
import { SseStream } from "@/lib/realtime/sse-stream";
import { TopicRegistry, type ResolvedTopic } from "@/lib/realtime/topics";
import { SseParser, type SseEvent } from "../helpers/sse-client";

const USER = "00000000-0000-4000-8000-000000000001";
const hubs: Hub[] = [];

function makeHub() {
  const hub = new Hub(new MemoryBroker(), new TopicRegistry(), new RealtimeMetrics(), { recentLimit: 100 });
  hubs.push(hub);
  return hub;
}

afterEach(async () => {
  for (const h of hubs.splice(0)) await h.close();
});

async function resolve(hub: Hub, names: string[]): Promise<ResolvedTopic[]> {
  return Promise.all(
    names.map(async (n) => {
      const d = await hub.topics.authorizeRead(n, { userId: USER, role: "user" });
      if (!d.ok) throw new Error(d.message);
      return d.topic;
    }),
  );
}

interface Harness {
  sse: SseStream;
  client: AbortController;
  shutdown: AbortController;
  events: SseEvent[];
  /** Reads everything queued so far (as a client that keeps up would). */
  drain(): Promise<void>;
  /** Reads until the stream ends. */
  readToEnd(): Promise<void>;
  data(topic?: string): Envelope[];
}

async function open(
  hub: Hub,
  names: string[],
  opts: { since?: Record<string, { epoch: string; seq: number }>; settings?: RealtimeSettingsPayload; maxBufferBytes?: number } = {},
): Promise<Harness> {
  const client = new AbortController();
  const shutdown = new AbortController();
  const events: SseEvent[] = [];
  const parser = new SseParser({ onEvent: (e) => events.push(e) });
  const sse = new SseStream({
    hub,
    userId: USER,
    topics: await resolve(hub, names),
    refused: [],
    since: opts.since ?? {},
    settings: opts.settings ?? { mode: "auto", pollingIntervalMs: 5000 },
    signal: client.signal,
    shutdown: shutdown.signal,
    heartbeatMs: 60_000,
    retryMs: 1000,
    maxBufferBytes: opts.maxBufferBytes ?? 1024 * 1024,
    log: pino({ level: "silent" }),
  });
  const reader = sse.stream.getReader();
  const decoder = new TextDecoder();
  let ended = false;
  const readOne = async () => {
    const { done, value } = await reader.read();
    if (done) ended = true;
    else parser.feed(decoder.decode(value, { stream: true }));
  };
  // Let the subscriptions settle.
  await new Promise((r) => setTimeout(r, 0));
  return {
    sse,
    client,
    shutdown,
    events,
    drain: async () => {
      await new Promise((r) => setTimeout(r, 0));
      // desiredSize is not visible from here: read while chunks are immediately available.
      for (;;) {
        const chunk = await Promise.race([readOne().then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 20))]);
        if (!chunk || ended) return;
      }
    },
    readToEnd: async () => {
      while (!ended) await readOne();
    },
    data: (topic) =>
      events.filter((e) => e.type === "data").map((e) => JSON.parse(e.data) as Envelope).filter((e) => !topic || e.topic === topic),
  };
}

describe("SseStream", () => {
  it("opens with welcome and subscribed, then sends data whose id holds every topic's cursor", async () => {
    const hub = makeHub();
    await hub.publishOne("ext.a", { n: 0 });
    const h = await open(hub, ["ext.a", "ext.b"]);
    await hub.publishOne("ext.b", { n: 1 });
    await h.drain();
    expect(h.events.map((e) => e.type)).toEqual(["welcome", "subscribed", "data", "subscribed", "data"]);
    const last = h.events.at(-1)!;
    const cursors = decodeCursorToken(last.lastEventId);
    expect(Object.keys(cursors).sort()).toEqual(["ext.a", "ext.b"]);
    expect(cursors["ext.a"]!.seq).toBe(1);
    expect(cursors["ext.b"]!.seq).toBe(1);
    h.client.abort();
  });

  it("resumes from a cursor map without gap or duplicate", async () => {
    const hub = makeHub();
    for (let i = 1; i <= 5; i++) await hub.publishOne("ext.a", { i });
    const first = await open(hub, ["ext.a"]);
    await first.drain();
    const token = first.events.filter((e) => e.type === "data")[2]!.lastEventId; // after seq 3
    first.client.abort();
    await hub.publishOne("ext.a", { i: 6 });
    const second = await open(hub, ["ext.a"], { since: decodeCursorToken(token) });
    await second.drain();
    expect(JSON.parse(second.events[1]!.data)).toMatchObject({ type: "subscribed", recovered: true, seq: 6 });
    expect(second.data().map((e) => e.seq)).toEqual([4, 5, 6]);
    second.client.abort();
  });

  it("releases every hub sink at once when the client disconnects", async () => {
    const hub = makeHub();
    const base = hub.sinkCount();
    const h = await open(hub, ["ext.a", "ext.b", "monitoring"]);
    expect(hub.sinkCount()).toBe(base + 4); // three topics and the user's control channel
    h.client.abort();
    await new Promise((r) => setTimeout(r, 0));
    expect(hub.sinkCount()).toBe(base);
    const stats = await hub.metrics.snapshot();
    expect(stats.connections.sse).toBe(0);
    expect(stats.subscriptions.sse).toBe(0);
  });

  it("ends on shutdown and releases everything", async () => {
    const hub = makeHub();
    const h = await open(hub, ["ext.a"]);
    h.shutdown.abort();
    await h.readToEnd();
    expect(hub.sinkCount()).toBe(0);
  });

  it("forwards settings, and ends after them when the new mode forbids SSE", async () => {
    const hub = makeHub();
    const h = await open(hub, ["ext.a"]);
    await hub.notifyUser(USER, { type: "settings", mode: "sse", pollingIntervalMs: 7000 });
    await hub.notifyUser(USER, { type: "settings", mode: "polling", pollingIntervalMs: 9000 });
    await hub.publishOne("ext.a", { late: true });
    await h.readToEnd();
    const settings = h.events.filter((e) => e.type === "settings").map((e) => JSON.parse(e.data) as unknown);
    expect(settings).toEqual([
      { type: "settings", mode: "sse", pollingIntervalMs: 7000 },
      { type: "settings", mode: "polling", pollingIntervalMs: 9000 },
    ]);
    expect(h.data()).toEqual([]);
    expect(hub.sinkCount()).toBe(0);
  });

  it("says settings and ends at once when the user's mode already forbids SSE", async () => {
    const hub = makeHub();
    const h = await open(hub, ["ext.a"], { settings: { mode: "websocket", pollingIntervalMs: 5000 } });
    await h.readToEnd();
    expect(h.events.map((e) => e.type)).toEqual(["welcome", "settings"]);
    expect(hub.sinkCount()).toBe(0);
  });

  it("ends with a forbidden error when the account is disabled", async () => {
    const hub = makeHub();
    const h = await open(hub, ["ext.a"]);
    await hub.notifyUser(USER, { type: "account_disabled" });
    await h.readToEnd();
    expect(JSON.parse(h.events.at(-1)!.data)).toMatchObject({ type: "error", code: "forbidden" });
    expect(hub.sinkCount()).toBe(0);
  });

  it("ends (for the browser to reconnect and be authorized anew) when the user's role changes", async () => {
    const hub = makeHub();
    const h = await open(hub, ["ext.a"]);
    await hub.notifyUser(USER, { type: "session_changed" });
    await h.readToEnd();
    expect(hub.sinkCount()).toBe(0);
  });

  it("coalesces a state topic for a client that does not read, and sends its latest value later", async () => {
    const hub = makeHub();
    const h = await open(hub, ["system_status"], { maxBufferBytes: 16 * 1024 });
    const big = "x".repeat(2048);
    for (let i = 1; i <= 200; i++) await hub.publishOne("system_status", { i, big });
    const stats = await hub.metrics.snapshot();
    expect(stats.coalesced).toBeGreaterThan(150);
    await h.drain();
    const got = h.data().map((e) => (e.data as { i: number }).i);
    expect(got.length).toBeLessThan(20);
    expect(got.at(-1)).toBe(200);
    expect(got).toEqual([...got].sort((a, b) => a - b));
    h.client.abort();
  });

  it("tells a stream subscriber that falls behind to resync and ends, keeping the queue bounded", async () => {
    const hub = makeHub();
    const h = await open(hub, ["ext.a"], { maxBufferBytes: 16 * 1024 });
    const big = "x".repeat(2048);
    for (let i = 1; i <= 500; i++) await hub.publishOne("ext.a", { i, big });
    expect(hub.sinkCount()).toBe(0); // released the moment it fell behind
    expect((await hub.metrics.snapshot()).resynced).toBe(1);
    await h.readToEnd();
    const delivered = h.data();
    expect(delivered.length).toBeLessThan(20);
    expect(delivered.map((e) => e.seq)).toEqual(delivered.map((_, i) => i + 1));
    expect(JSON.parse(h.events.at(-1)!.data)).toEqual({ type: "resync", topic: "ext.a", reason: "slow_consumer" });
    // The last id resumes right after the last message delivered.
    const cursor = decodeCursorToken(h.events.filter((e) => e.type === "data").at(-1)!.lastEventId)["ext.a"]!;
    expect(cursor.seq).toBe(delivered.length);
  });
});
