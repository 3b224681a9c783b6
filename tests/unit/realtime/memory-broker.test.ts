import { describe, expect, it } from "vitest";
import { MemoryBroker } from "@/lib/realtime/memory-broker";
import type { PublishRequest } from "@/lib/realtime/broker";

const req = (key: string, data: unknown, kind: "state" | "stream" = "stream", ts = Date.now()): PublishRequest => ({ key, topic: key, kind, data, ts });

describe("MemoryBroker", () => {
  it("assigns strictly increasing seqs per topic within one epoch", async () => {
    const b = new MemoryBroker();
    const out = await b.publish([req("a", 1), req("b", 1), req("a", 2)]);
    expect(out.map((e) => [e.topic, e.seq])).toEqual([["a", 1], ["b", 1], ["a", 2]]);
    expect(out[0]!.epoch).toBe(out[2]!.epoch);
  });

  it("resumes a stream from a held cursor with exactly the missed messages", async () => {
    const b = new MemoryBroker();
    const [first] = await b.publish([req("s", "m1")]);
    await b.publish([req("s", "m2"), req("s", "m3")]);
    const r = await b.read("s", "stream", { epoch: first!.epoch, seq: 1 }, 100);
    expect(r.recovered).toBe(true);
    expect(r.messages.map((m) => m.data)).toEqual(["m2", "m3"]);
    expect(r.seq).toBe(3);
  });

  it("recovers with nothing when the cursor is current", async () => {
    const b = new MemoryBroker();
    const [e] = await b.publish([req("s", 1)]);
    const r = await b.read("s", "stream", { epoch: e!.epoch, seq: 1 }, 100);
    expect(r).toMatchObject({ recovered: true, messages: [] });
  });

  it("answers recovered:false with recent history when the cursor fell out of the count window", async () => {
    const b = new MemoryBroker({ maxCount: 3, maxAgeMs: 60_000 }, () => 1_000);
    const published = await b.publish([1, 2, 3, 4, 5].map((n) => req("s", n)));
    const r = await b.read("s", "stream", { epoch: published[0]!.epoch, seq: 1 }, 2);
    expect(r.recovered).toBe(false);
    expect(r.messages.map((m) => m.seq)).toEqual([4, 5]);
  });

  it("drops messages older than the age limit", async () => {
    let now = 0;
    const b = new MemoryBroker({ maxCount: 100, maxAgeMs: 1_000 }, () => now);
    const [old] = await b.publish([req("s", "old", "stream", 0)]);
    now = 5_000;
    await b.publish([req("s", "new", "stream", 5_000)]);
    const r = await b.read("s", "stream", { epoch: old!.epoch, seq: 0 }, 100);
    expect(r.recovered).toBe(false);
    expect(r.messages.map((m) => m.data)).toEqual(["new"]);
  });

  it("refuses to recover across epochs", async () => {
    const b = new MemoryBroker();
    await b.publish([req("s", 1)]);
    const r = await b.read("s", "stream", { epoch: "another-epoch", seq: 0 }, 100);
    expect(r.recovered).toBe(false);
    expect(r.messages).toHaveLength(1);
  });

  it("keeps only the latest value of a state topic", async () => {
    const b = new MemoryBroker();
    await b.publish([req("m", { v: 1 }, "state"), req("m", { v: 2 }, "state")]);
    const fresh = await b.read("m", "state", undefined, 100);
    expect(fresh).toMatchObject({ recovered: false, seq: 2 });
    expect(fresh.messages.map((m) => m.data)).toEqual([{ v: 2 }]);
    const behindByOne = await b.read("m", "state", { epoch: fresh.epoch, seq: 1 }, 100);
    expect(behindByOne.recovered).toBe(true);
    expect(behindByOne.messages.map((m) => m.seq)).toEqual([2]);
  });

  it("does not keep anything for topics that are only read", async () => {
    const b = new MemoryBroker();
    const r = await b.read("never.published", "stream", undefined, 10);
    expect(r).toMatchObject({ epoch: b.epoch, seq: 0, recovered: false, messages: [] });
    expect((b as unknown as { logs: Map<string, unknown> }).logs.size).toBe(0);
    // A cursor taken before the first publish still resumes without a gap.
    await b.publish([req("never.published", "first")]);
    const again = await b.read("never.published", "stream", { epoch: r.epoch, seq: 0 }, 10);
    expect(again).toMatchObject({ recovered: true });
    expect(again.messages.map((m) => m.data)).toEqual(["first"]);
  });

  it("gives listeners the envelope and its JSON once", async () => {
    const b = new MemoryBroker();
    const seen: string[] = [];
    b.onMessage((key, env, frame) => seen.push(`${key}:${env.seq}:${JSON.parse(frame).seq}`));
    await b.publish([req("x", 1), req("x", 2)]);
    expect(seen).toEqual(["x:1:1", "x:2:2"]);
  });
});
