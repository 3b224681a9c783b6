import { describe, expect, it } from "vitest";
import { OutboundQueue, batchFrame, type OutboundHooks, type OutboundSocket, type QueuedMessage } from "@/server/ws/outbound-queue";

/** A socket whose writes complete only when the test says so, like a peer that reads slowly. */
class FakeSocket implements OutboundSocket {
  bufferedAmount = 0;
  readonly frames: string[] = [];
  private callbacks: Array<() => void> = [];
  throwNext = false;

  send(frame: Buffer, done: (err?: Error) => void): void {
    if (this.throwNext) {
      this.throwNext = false;
      throw new Error("socket exploded");
    }
    this.frames.push(frame.toString());
    this.bufferedAmount += frame.length;
    this.callbacks.push(() => {
      this.bufferedAmount -= frame.length;
      done();
    });
  }

  /** The kernel takes every pending write. */
  drain(): void {
    const cbs = this.callbacks;
    this.callbacks = [];
    for (const cb of cbs) cb();
  }

  get parsed(): Array<Record<string, unknown>> {
    return this.frames.map((f) => JSON.parse(f) as Record<string, unknown>);
  }
}

/** A manual scheduler standing in for setImmediate. */
function manualSchedule() {
  const tasks: Array<() => void> = [];
  return {
    schedule: (fn: () => void) => void tasks.push(fn),
    run() {
      while (tasks.length) tasks.shift()!();
    },
    get size() {
      return tasks.length;
    },
  };
}

const data = (topic: string, seq: number, pad = 0) => Buffer.from(JSON.stringify({ type: "data", topic, epoch: "e", seq, ts: 1, data: "x".repeat(pad) }));
const control = (o: object) => Buffer.from(JSON.stringify(o));

function setup(opts: { budgetBytes?: number; maxBatchBytes?: number; hardLimitBytes?: number; batching?: boolean } = {}) {
  const socket = new FakeSocket();
  const sched = manualSchedule();
  const events = { coalesced: 0, resynced: [] as string[], overflow: 0, failed: [] as string[], written: [] as QueuedMessage[][] };
  const hooks: OutboundHooks = {
    coalesced: () => events.coalesced++,
    resynced: (t) => events.resynced.push(t),
    overflow: () => events.overflow++,
    failed: (e) => events.failed.push(e.message),
    written: (m) => events.written.push([...m]),
  };
  const queue = new OutboundQueue(socket, { budgetBytes: 16 * 1024, schedule: sched.schedule, ...opts }, hooks);
  return { socket, sched, queue, events };
}

describe("OutboundQueue", () => {
  it("tells the written hook which messages were resumed history, not live", () => {
    const { socket, queue, sched, events } = setup();
    queue.sendData("signals", "stream", data("signals", 1), 1, true);
    socket.drain();
    sched.run();
    queue.sendData("signals", "stream", data("signals", 2), 2);
    expect(events.written.flat().map((m) => [m.ts, m.replayed])).toEqual([
      [1, true],
      [2, false],
    ]);
  });

  it("writes a message for an idle socket at once, as a plain frame", () => {
    const { socket, queue, sched } = setup();
    queue.sendData("signals", "stream", data("signals", 1), 1);
    expect(socket.frames).toHaveLength(1);
    expect(socket.parsed[0]).toMatchObject({ type: "data", seq: 1 });
    expect(sched.size).toBe(0);
  });

  it("groups what arrives while a write is pending into ONE batch frame, in order", () => {
    const { socket, queue, sched, events } = setup();
    queue.sendData("signals", "stream", data("signals", 1), 1);
    for (let seq = 2; seq <= 10; seq++) queue.sendData("signals", "stream", data("signals", seq), 1);
    queue.sendControl(control({ type: "pong", id: "p" }));
    expect(socket.frames).toHaveLength(1);
    // The first write has not completed: the scheduled flush waits for it.
    sched.run();
    expect(socket.frames).toHaveLength(1);
    socket.drain();
    sched.run();
    expect(socket.frames).toHaveLength(2);
    const batch = socket.parsed[1] as { type: string; messages: Array<{ type: string; seq?: number }> };
    expect(batch.type).toBe("batch");
    expect(batch.messages.map((m) => m.seq ?? m.type)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, "pong"]);
    expect(queue.queuedBytes).toBe(0);
    expect(events.written.map((w) => w.length)).toEqual([1, 10]);
  });

  it("batches messages of the same tick even when the previous write completed in between", () => {
    const { socket, queue, sched } = setup();
    queue.sendData("a", "stream", data("a", 1), 1);
    queue.sendData("a", "stream", data("a", 2), 1);
    queue.sendData("a", "stream", data("a", 3), 1);
    socket.drain();
    sched.run();
    expect(socket.parsed.map((f) => f.type)).toEqual(["data", "batch"]);
  });

  it("builds a batch frame by concatenating the serialized messages", () => {
    const frame = batchFrame([{ bytes: Buffer.from('{"a":1}') }, { bytes: Buffer.from('{"b":2}') }]);
    expect(frame.toString()).toBe('{"type":"batch","messages":[{"a":1},{"b":2}]}');
  });

  it("splits a long queue into batches of at most maxBatchBytes", () => {
    const { socket, queue, sched } = setup({ maxBatchBytes: 1024 });
    queue.sendData("a", "stream", data("a", 0), 1);
    for (let seq = 1; seq <= 40; seq++) queue.sendData("a", "stream", data("a", seq, 100), 1);
    const seqs: number[] = [];
    for (let i = 0; i < 20 && (queue.queuedCount > 0 || socket.frames.length === 1); i++) {
      socket.drain();
      sched.run();
    }
    for (const f of socket.frames.slice(1)) {
      expect(Buffer.byteLength(f)).toBeLessThanOrEqual(1024 + 64);
      const m = JSON.parse(f) as { type: string; seq?: number; messages?: Array<{ seq: number }> };
      seqs.push(...(m.type === "batch" ? m.messages!.map((x) => x.seq) : [m.seq!]));
    }
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it("coalesces a state topic to its latest value while the socket is busy", () => {
    const { socket, queue, sched, events } = setup();
    queue.sendData("signals", "stream", data("signals", 1), 1); // occupies the socket
    for (let seq = 1; seq <= 500; seq++) queue.sendData("monitoring", "state", data("monitoring", seq, 200), 1);
    expect(queue.queuedCount).toBe(1);
    expect(queue.queuedBytes).toBe(data("monitoring", 500, 200).length);
    expect(events.coalesced).toBe(499);
    socket.drain();
    sched.run();
    expect(socket.parsed[1]).toMatchObject({ type: "data", topic: "monitoring", seq: 500 });
  });

  it("tells a stream subscriber that falls behind to resync after what is queued, and stalls it until reset", () => {
    const budget = 16 * 1024;
    const { socket, queue, sched, events } = setup({ budgetBytes: budget });
    let maxUsed = 0;
    // The peer never reads: writes never complete.
    for (let seq = 1; seq <= 2_000; seq++) {
      queue.sendData("market.X", "stream", data("market.X", seq, 200), 1);
      queue.sendData("signals", "stream", data("signals", seq), 1);
      maxUsed = Math.max(maxUsed, socket.bufferedAmount + queue.queuedBytes);
      sched.run();
    }
    expect(maxUsed).toBeLessThanOrEqual(budget + 1024);
    // Stalled topics queue nothing more: the queue stays put however long the peer sleeps.
    const held = queue.queuedBytes;
    for (let seq = 2_001; seq <= 3_000; seq++) queue.sendData("market.X", "stream", data("market.X", seq, 200), 1);
    expect(queue.queuedBytes).toBe(held);
    expect(events.resynced).toContain("market.X");
    expect(queue.isStalled("market.X")).toBe(true);
    // Drain: what reaches the peer is a gapless prefix of each topic plus the resync notices.
    for (let i = 0; i < 10; i++) {
      socket.drain();
      sched.run();
    }
    const delivered = socket.parsed.flatMap((f) => (f.type === "batch" ? (f.messages as Array<Record<string, unknown>>) : [f]));
    const seqsOf = (topic: string) => delivered.filter((m) => m.type === "data" && m.topic === topic).map((m) => m.seq as number);
    for (const topic of ["market.X", "signals"]) {
      const seqs = seqsOf(topic);
      expect(seqs, topic).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    }
    const resyncs = delivered.filter((m) => m.type === "resync");
    expect(resyncs.length).toBe(events.resynced.length);
    expect(resyncs).toContainEqual({ type: "resync", topic: "market.X", reason: "slow_consumer" });
    // Every resync notice comes after the last message delivered for its topic.
    const lastMarket = delivered.findLastIndex((m) => m.type === "data" && m.topic === "market.X");
    expect(delivered.findIndex((m) => m.type === "resync" && m.topic === "market.X")).toBeGreaterThan(lastMarket);
    // Stalled: further messages are not queued, until the client re-subscribes.
    queue.sendData("market.X", "stream", data("market.X", 9_999), 1);
    expect(queue.queuedCount).toBe(0);
    queue.resetTopic("market.X");
    queue.sendData("market.X", "stream", data("market.X", 10_000), 1);
    expect(socket.parsed.at(-1)).toMatchObject({ topic: "market.X", seq: 10_000 });
  });

  it("accepts a message bigger than the budget for an idle socket", () => {
    const { socket, queue, events } = setup({ budgetBytes: 16 * 1024 });
    queue.sendData("a", "stream", data("a", 1, 40_000), 1);
    expect(socket.frames).toHaveLength(1);
    expect(events.resynced).toEqual([]);
  });

  it("gives up on a peer that does not read even replies, past the hard limit", () => {
    const { queue, events } = setup({ budgetBytes: 16 * 1024, hardLimitBytes: 32 * 1024 });
    for (let i = 0; i < 1_000; i++) queue.sendControl(control({ type: "pong", id: `p${i}`, pad: "x".repeat(100) }));
    expect(events.overflow).toBeGreaterThan(0);
    expect(queue.queuedBytes).toBeLessThanOrEqual(32 * 1024);
  });

  it("forgets a topic's queued messages on reset (unsubscribe / re-subscribe)", () => {
    const { socket, queue, sched } = setup();
    queue.sendControl(control({ type: "welcome" }));
    queue.sendData("a", "stream", data("a", 1), 1);
    queue.sendData("b", "state", data("b", 1), 1);
    queue.sendData("c", "stream", data("c", 1), 1);
    queue.resetTopic("a");
    queue.resetTopic("b");
    // A new value of the reset state topic is queued afresh, not coalesced into a dropped entry.
    queue.sendData("b", "state", data("b", 2), 1);
    socket.drain();
    sched.run();
    const batch = socket.parsed[1] as { messages: Array<{ topic: string; seq: number }> };
    expect(batch.messages.map((m) => `${m.topic}${m.seq}`)).toEqual(["c1", "b2"]);
    expect(queue.queuedBytes).toBe(0);
  });

  it("reports a write that throws and keeps its accounting straight", () => {
    const { socket, queue, events } = setup();
    socket.throwNext = true;
    queue.sendData("a", "stream", data("a", 1), 1);
    expect(events.failed).toEqual(["socket exploded"]);
    queue.sendData("a", "stream", data("a", 2), 1);
    expect(socket.parsed).toMatchObject([{ seq: 2 }]);
  });

  it("end() hands everything queued to the socket at once and ignores later sends", () => {
    const { socket, queue } = setup();
    queue.sendData("a", "stream", data("a", 1), 1);
    queue.sendData("a", "stream", data("a", 2), 1);
    queue.sendControl(control({ type: "settings", mode: "sse" }));
    queue.end();
    expect(socket.frames).toHaveLength(2);
    expect((socket.parsed[1] as { messages: unknown[] }).messages).toHaveLength(2);
    queue.sendData("a", "stream", data("a", 3), 1);
    expect(socket.frames).toHaveLength(2);
  });

  describe("with batching: false (the benchmark's comparison)", () => {
    it("writes every message as its own frame at once, even while writes are pending", () => {
      const { socket, queue, sched, events } = setup({ batching: false });
      for (let seq = 1; seq <= 10; seq++) queue.sendData("signals", "stream", data("signals", seq), 1);
      queue.sendControl(control({ type: "pong", id: "p" }));
      expect(socket.frames).toHaveLength(11);
      expect(socket.parsed.map((f) => f.seq ?? f.type)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, "pong"]);
      expect(queue.queuedCount).toBe(0);
      expect(sched.size).toBe(0);
      expect(events.written.map((w) => w.length)).toEqual(Array(11).fill(1));
      socket.drain();
      sched.run();
      expect(socket.frames).toHaveLength(11);
    });

    it("still bounds a peer that does not read: resync past the budget", () => {
      const budget = 16 * 1024;
      const { socket, queue, events } = setup({ budgetBytes: budget, batching: false });
      let maxUsed = 0;
      for (let seq = 1; seq <= 2_000; seq++) {
        queue.sendData("market.X", "stream", data("market.X", seq, 200), 1);
        maxUsed = Math.max(maxUsed, socket.bufferedAmount + queue.queuedBytes);
      }
      expect(maxUsed).toBeLessThanOrEqual(budget + 1024);
      expect(events.resynced).toEqual(["market.X"]);
      expect(socket.parsed.at(-1)).toEqual({ type: "resync", topic: "market.X", reason: "slow_consumer" });
    });
  });
});
