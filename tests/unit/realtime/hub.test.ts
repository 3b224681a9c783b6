import { describe, expect, it } from "vitest";
import type { Broker } from "@/lib/realtime/broker";
import type { Envelope } from "@/lib/realtime/envelope";
import { Hub, UnknownTopicError } from "@/lib/realtime/hub";
import { MemoryBroker } from "@/lib/realtime/memory-broker";
import { RealtimeMetrics } from "@/lib/realtime/metrics";
import { TopicRegistry, type ResolvedTopic } from "@/lib/realtime/topics";

const metrics = new RealtimeMetrics();
const newHub = (broker: Broker = new MemoryBroker()) => new Hub(broker, new TopicRegistry(), metrics, { recentLimit: 50 });

async function resolve(hub: Hub, name: string): Promise<ResolvedTopic> {
  const d = await hub.topics.authorizeRead(name, { userId: "u1", role: "user" });
  if (!d.ok) throw new Error(d.message);
  return d.topic;
}

describe("Hub", () => {
  it("delivers live messages after the resume result, with no gap and no duplicate", async () => {
    const hub = newHub();
    await hub.publishOne("signals", 1);
    const got: number[] = [];
    const sub = await hub.subscribe(await resolve(hub, "signals"), undefined, (e) => got.push(e.seq));
    expect(sub.resume.messages.map((m) => m.seq)).toEqual([1]);
    await hub.publishOne("signals", 2);
    await hub.publishOne("signals", 3);
    expect(got).toEqual([2, 3]);
    sub.close();
    await hub.publishOne("signals", 4);
    expect(got).toEqual([2, 3]);
    expect(hub.sinkCount()).toBe(0);
  });

  it("folds messages published while history is being read into the resume result", async () => {
    const inner = new MemoryBroker();
    let publishDuringRead: (() => Promise<unknown>) | undefined;
    // A broker whose read is slow, so a publish lands between attach and read.
    const slow: Broker = {
      name: "memory",
      publish: (r) => inner.publish(r),
      onMessage: (l) => inner.onMessage(l),
      close: () => inner.close(),
      health: () => inner.health(),
      lease: () => inner.lease(),
      releaseLease: () => inner.releaseLease(),
      read: async (...args) => {
        const snapshot = await inner.read(...args);
        await publishDuringRead?.();
        return snapshot;
      },
    };
    const hub = newHub(slow);
    await hub.publishOne("signals", "a");
    publishDuringRead = () => hub.publishOne("signals", "b");
    const live: Envelope[] = [];
    const sub = await hub.subscribe(await resolve(hub, "signals"), undefined, (e) => live.push(e));
    publishDuringRead = undefined;
    expect(sub.resume.messages.map((m) => m.data)).toEqual(["a", "b"]);
    expect(sub.resume.seq).toBe(2);
    await hub.publishOne("signals", "c");
    expect(live.map((m) => m.data)).toEqual(["c"]);
  });

  it("keeps delivering to other subscribers when one throws", async () => {
    const hub = newHub();
    const topic = await resolve(hub, "signals");
    await hub.subscribe(topic, undefined, () => {
      throw new Error("broken socket");
    });
    const got: number[] = [];
    await hub.subscribe(topic, undefined, (e) => got.push(e.seq));
    await hub.publishOne("signals", 1);
    expect(got).toEqual([1]);
  });

  it("keeps each user's notifications apart under one public topic name", async () => {
    const hub = newHub();
    const mine = await hub.topics.authorizeRead("notifications", { userId: "u1", role: "user" });
    const theirs = await hub.topics.authorizeRead("notifications", { userId: "u2", role: "user" });
    if (!mine.ok || !theirs.ok) throw new Error("refused");
    const got: string[] = [];
    await hub.subscribe(mine.topic, undefined, (e) => got.push(`${e.topic}:${String(e.data)}`));
    await hub.publishOne("notifications", "for u2", "u2");
    await hub.publishOne("notifications", "for u1", "u1");
    expect(got).toEqual(["notifications:for u1"]);
    expect(theirs.topic.key).not.toBe(mine.topic.key);
  });

  it("routes per-user control messages to that user only", async () => {
    const hub = newHub();
    const got: unknown[] = [];
    const off = hub.onUserControl("u1", (m) => got.push(m));
    await hub.notifyUser("u2", { type: "account_disabled" });
    await hub.notifyUser("u1", { type: "settings", mode: "polling", pollingIntervalMs: 5000 });
    off();
    await hub.notifyUser("u1", { type: "account_disabled" });
    expect(got).toEqual([{ type: "settings", mode: "polling", pollingIntervalMs: 5000 }]);
  });

  it("refuses to publish to a topic no rule knows", async () => {
    await expect(newHub().publishOne("nonsense", 1)).rejects.toBeInstanceOf(UnknownTopicError);
  });
});
