import crypto from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import type { Broker, PublishRequest } from "@/lib/realtime/broker";
import type { Envelope } from "@/lib/realtime/envelope";
import { MemoryBroker } from "@/lib/realtime/memory-broker";
import { RedisBroker } from "@/lib/realtime/redis-broker";
import { deleteRedisKeys } from "../helpers/redis";

/**
 * One contract, every broker: the memory broker always, and the Redis broker when REDIS_URL
 * points at a server (CI sets it). Each Redis run uses its own key prefix and removes it.
 */
const REDIS_URL = process.env.REDIS_URL;
const prefix = `switchback-test-${crypto.randomBytes(4).toString("hex")}:`;
const redisConnections: Redis[] = [];

function redisBroker(limits = { maxCount: 1_000, maxAgeMs: 600_000 }): RedisBroker {
  const client = new Redis(REDIS_URL!, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  const subscriber = new Redis(REDIS_URL!, { maxRetriesPerRequest: null });
  redisConnections.push(client, subscriber);
  return new RedisBroker({ client, subscriber, prefix, limits });
}

afterAll(async () => {
  if (!REDIS_URL) return;
  await deleteRedisKeys(REDIS_URL, prefix);
  await Promise.allSettled(redisConnections.map((c) => c.quit()));
});

const req = (key: string, data: unknown, kind: "state" | "stream" = "stream"): PublishRequest => ({ key, topic: key, kind, data, ts: Date.now() });
const brokers: Array<[string, (limits?: { maxCount: number; maxAgeMs: number }) => Broker]> = [["memory", (l) => new MemoryBroker(l)]];
if (REDIS_URL) brokers.push(["redis", redisBroker]);

describe.each(brokers)("%s broker contract", (name, make) => {
  const topic = (t: string) => `${t}.${name}.${crypto.randomBytes(3).toString("hex")}`;

  it("assigns strictly increasing seqs and keeps the producer's JSON", async () => {
    const b = make();
    const t = topic("ext.seq");
    const out = await b.publish([req(t, { a: 1, nested: { list: [1, "x", null], empty: {} } }), req(t, "two"), req(t, 3.5)]);
    expect(out.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(out[0]!.data).toEqual({ a: 1, nested: { list: [1, "x", null], empty: {} } });
    expect(new Set(out.map((e) => e.epoch)).size).toBe(1);
  });

  it("resumes exactly after a held cursor, and says when it cannot", async () => {
    const b = make({ maxCount: 5, maxAgeMs: 600_000 });
    const t = topic("ext.resume");
    const out = await b.publish(Array.from({ length: 8 }, (_, i) => req(t, i + 1)));
    const epoch = out[0]!.epoch;
    const held = await b.read(t, "stream", { epoch, seq: 5 }, 100);
    expect(held).toMatchObject({ recovered: true, seq: 8 });
    expect(held.messages.map((m) => m.seq)).toEqual([6, 7, 8]);
    const current = await b.read(t, "stream", { epoch, seq: 8 }, 100);
    expect(current).toMatchObject({ recovered: true, messages: [] });
    const tooOld = await b.read(t, "stream", { epoch, seq: 1 }, 2);
    expect(tooOld.recovered).toBe(false);
    expect(tooOld.messages.map((m) => m.seq)).toEqual([7, 8]);
    const otherEpoch = await b.read(t, "stream", { epoch: "nope", seq: 7 }, 100);
    expect(otherEpoch.recovered).toBe(false);
  });

  it("keeps only the latest value of a state topic", async () => {
    const b = make();
    const t = topic("monitoring");
    await b.publish([req(t, { v: 1 }, "state"), req(t, { v: 2 }, "state")]);
    const r = await b.read(t, "state", undefined, 100);
    expect(r.messages.map((m) => m.data)).toEqual([{ v: 2 }]);
  });

  it("answers a topic never published with a stable epoch that a later publish keeps", async () => {
    const b = make();
    const t = topic("ext.quiet");
    const first = await b.read(t, "stream", undefined, 10);
    expect(first).toMatchObject({ seq: 0, messages: [] });
    await b.publish([req(t, "hello")]);
    const later = await b.read(t, "stream", { epoch: first.epoch, seq: 0 }, 10);
    expect(later.recovered).toBe(true);
    expect(later.messages.map((m) => m.data)).toEqual(["hello"]);
  });

  it("holds a lease it asked for (the only instance, in memory)", async () => {
    const b = make();
    if (b.name === "memory") expect(await b.lease("producers", 1_000)).toBe(true);
    else expect(typeof (await b.lease(`solo-${crypto.randomBytes(3).toString("hex")}`, 1_000))).toBe("boolean");
  });

  it("delivers to listeners in publish order", async () => {
    const b = make();
    const t = topic("ext.order");
    const seen: number[] = [];
    b.onMessage((key, env, frame) => {
      if (key === t) seen.push(JSON.parse(frame).seq as number);
    });
    await b.read(t, "stream", undefined, 0); // listening before publishing
    await b.publish(Array.from({ length: 50 }, (_, i) => req(t, i)));
    await expect.poll(() => seen.length).toBe(50);
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });
});

describe.runIf(REDIS_URL)("Redis broker across instances", () => {
  it("shares one seq and one history between instances", async () => {
    const a = redisBroker();
    const b = redisBroker();
    const t = `ext.shared.${crypto.randomBytes(3).toString("hex")}`;
    const onB: Envelope[] = [];
    b.onMessage((key, env) => key === t && onB.push(env));
    await b.read(t, "stream", undefined, 0);
    const [first] = await a.publish([req(t, "from a")]);
    const [second] = await b.publish([req(t, "from b")]);
    expect([first!.seq, second!.seq]).toEqual([1, 2]);
    expect(second!.epoch).toBe(first!.epoch);
    await expect.poll(() => onB.map((e) => e.data)).toEqual(["from a", "from b"]);
    const fromA = await a.read(t, "stream", { epoch: first!.epoch, seq: 0 }, 10);
    expect(fromA.messages.map((m) => m.data)).toEqual(["from a", "from b"]);
  });

  it("replays what pub/sub missed while an instance's subscription was down", async () => {
    const a = redisBroker();
    const b = redisBroker();
    const t = `ext.replay.${crypto.randomBytes(3).toString("hex")}`;
    const onB: number[] = [];
    b.onMessage((key, env) => key === t && onB.push(env.seq));
    await b.read(t, "stream", undefined, 0);
    await a.publish([req(t, 1)]);
    await expect.poll(() => onB).toEqual([1]);
    const sub = redisConnections[redisConnections.length - 1]!; // b's subscriber
    sub.disconnect(true);
    await a.publish([req(t, 2), req(t, 3)]);
    await expect.poll(() => onB, { timeout: 10_000 }).toEqual([1, 2, 3]);
    await a.publish([req(t, 4)]);
    await expect.poll(() => onB).toEqual([1, 2, 3, 4]);
  });

  it("gives a lease to one instance at a time and hands it over on release", async () => {
    const a = redisBroker();
    const b = redisBroker();
    const name = `producers-${crypto.randomBytes(3).toString("hex")}`;
    expect(await a.lease(name, 5_000)).toBe(true);
    expect(await b.lease(name, 5_000)).toBe(false);
    expect(await a.lease(name, 5_000)).toBe(true); // renewal
    await b.releaseLease(name); // not b's to give up
    expect(await b.lease(name, 5_000)).toBe(false);
    await a.releaseLease(name);
    expect(await b.lease(name, 5_000)).toBe(true);
    expect(await a.lease(name, 5_000)).toBe(false);
  });

  it("lets a lease lapse when its holder stops renewing", async () => {
    const a = redisBroker();
    const b = redisBroker();
    const name = `producers-${crypto.randomBytes(3).toString("hex")}`;
    expect(await a.lease(name, 300)).toBe(true);
    expect(await b.lease(name, 300)).toBe(false);
    await new Promise((r) => setTimeout(r, 400));
    expect(await b.lease(name, 300)).toBe(true);
  });

  it("fails fast, not hangs, when Redis is unreachable", async () => {
    const client = new Redis("redis://127.0.0.1:1", { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
    const subscriber = new Redis("redis://127.0.0.1:1", { lazyConnect: true, maxRetriesPerRequest: 1 });
    for (const c of [client, subscriber]) c.on("error", () => {});
    const broken = new RedisBroker({ client, subscriber, prefix });
    await expect(broken.publish([req("ext.x", 1)])).rejects.toThrow();
    await expect(broken.health()).rejects.toThrow();
    client.disconnect();
    subscriber.disconnect();
  });
});
