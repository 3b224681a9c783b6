import { afterEach, describe, expect, it } from "vitest";
import { encodeCursorToken, decodeCursorToken } from "@/lib/realtime/cursor-token";
import type { Cursor, TopicKind } from "@/lib/realtime/envelope";
import { Hub } from "@/lib/realtime/hub";
import { MemoryBroker } from "@/lib/realtime/memory-broker";
import { RealtimeMetrics } from "@/lib/realtime/metrics";
import { readBatch } from "@/lib/realtime/polling";
import { readStateResource } from "@/lib/realtime/resources";
import { TopicRegistry, type ResolvedTopic } from "@/lib/realtime/topics";
import { ifNoneMatchHits, weakEtag } from "@/lib/http/etag";

const SETTINGS = { mode: "auto" as const, pollingIntervalMs: 5000 };
const hubs: Hub[] = [];

/** A memory broker whose reads of `failing` keys throw, as a Redis outage would. */
class FlakyBroker extends MemoryBroker {
  failing = new Set<string>();
  override read(key: string, kind: TopicKind, since: Cursor | undefined, recentLimit: number) {
    if (this.failing.has(key)) return Promise.reject(new Error("broker down"));
    return super.read(key, kind, since, recentLimit);
  }
}

function setup(history = { maxCount: 1000, maxAgeMs: 600_000 }) {
  const broker = new FlakyBroker(history);
  const hub = new Hub(broker, new TopicRegistry(), new RealtimeMetrics(), { recentLimit: 100 });
  hubs.push(hub);
  const topic = async (name: string): Promise<ResolvedTopic> => {
    const d = await hub.topics.authorizeRead(name, { userId: "u1", role: "user" });
    if (!d.ok) throw new Error(d.message);
    return d.topic;
  };
  return { hub, broker, topic };
}

afterEach(async () => {
  for (const h of hubs.splice(0)) await h.close();
});

describe("readBatch (polling)", () => {
  it("is caught up, with an unchanged ETag, exactly until a topic moves", async () => {
    const { hub, topic } = setup();
    const topics = { allowed: [await topic("ext.a"), await topic("system_status")], refused: [] };
    await hub.publishOne("ext.a", 1);
    const first = await readBatch(hub, topics, {}, SETTINGS);
    expect(first.caughtUp).toBe(false);
    const since = decodeCursorToken(first.body.since);
    const again = await readBatch(hub, topics, since, SETTINGS);
    expect(again.caughtUp).toBe(true);
    expect(again.etag).toBe(first.etag);
    await hub.publishOne("system_status", { ok: true });
    const moved = await readBatch(hub, topics, since, SETTINGS);
    expect(moved.caughtUp).toBe(false);
    expect(moved.etag).not.toBe(first.etag);
    // A settings change alone changes the ETag too: the poller must see it.
    const resettled = await readBatch(hub, topics, decodeCursorToken(moved.body.since), { mode: "polling", pollingIntervalMs: 9000 });
    expect(resettled.caughtUp).toBe(true);
    expect(resettled.etag).not.toBe(moved.etag);
  });

  it("answers an unavailable topic with an error object and keeps the caller's place in the next token", async () => {
    const { hub, broker, topic } = setup();
    await hub.publishOne("ext.a", 1);
    await hub.publishOne("ext.b", 2);
    const topics = { allowed: [await topic("ext.a"), await topic("ext.b")], refused: [] };
    const since = { "ext.a": { epoch: "e-old", seq: 7 } };
    broker.failing.add("ext.a");
    const read = await readBatch(hub, topics, since, SETTINGS);
    expect(read.body.topics["ext.a"]).toEqual({ error: { code: "unavailable", message: expect.any(String) } });
    expect(read.body.topics["ext.b"]).toMatchObject({ seq: 1, messages: [{ data: 2 }] });
    expect(decodeCursorToken(read.body.since)["ext.a"]).toEqual({ epoch: "e-old", seq: 7 });
    expect(read.caughtUp).toBe(false);
  });
});

describe("the REST resources", () => {
  it("reads a state topic's latest value, or nulls before the first publish", async () => {
    const { hub, topic } = setup();
    const monitoring = await topic("monitoring");
    expect(await readStateResource(hub, monitoring)).toMatchObject({ topic: "monitoring", seq: 0, ts: null, data: null });
    await hub.publishOne("monitoring", { cpu: 1 });
    await hub.publishOne("monitoring", { cpu: 2 });
    expect(await readStateResource(hub, monitoring)).toMatchObject({ seq: 2, ts: expect.any(Number), data: { cpu: 2 } });
  });
});

describe("ETags", () => {
  it("match weakly, in lists and with *", () => {
    const tag = weakEtag("a", 1);
    expect(tag).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
    expect(weakEtag("a", 1)).toBe(tag);
    expect(weakEtag("a", 2)).not.toBe(tag);
    const h = (v: string) => new Headers({ "if-none-match": v });
    expect(ifNoneMatchHits(h(tag), tag)).toBe(true);
    expect(ifNoneMatchHits(h(tag.slice(2)), tag)).toBe(true);
    expect(ifNoneMatchHits(h(`"x", ${tag}`), tag)).toBe(true);
    expect(ifNoneMatchHits(h("*"), tag)).toBe(true);
    expect(ifNoneMatchHits(h('W/"other"'), tag)).toBe(false);
    expect(ifNoneMatchHits(new Headers(), tag)).toBe(false);
  });

  it("are stable for equal cursor maps", () => {
    const a = encodeCursorToken({ x: { epoch: "e", seq: 1 } });
    expect(weakEtag(a)).toBe(weakEtag(encodeCursorToken({ x: { epoch: "e", seq: 1 } })));
  });
});
