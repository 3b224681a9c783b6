import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maskedTextFrame, range, rawWebSocket, until, type WsTestClient } from "../helpers/ws-client";
import { startWsHarness, type WsHarness } from "../helpers/ws-harness";

/**
 * A subscriber that stops reading must not make the server's memory grow: its stream topics
 * are told to resync, its state topics coalesce, and everyone else keeps receiving.
 */

const BUDGET = 64 * 1024;
const PAYLOAD = "x".repeat(2_000);

/** What the server holds for a user's connections: queued bytes plus the socket's buffer. */
function heldFor(h: WsHarness, userId: string): number {
  return h.endpoint.connectionsOf(userId).reduce((n, c) => n + c.queuedBytes + c.bufferedAmount, 0);
}

/** A raw TCP client that upgrades, subscribes, and then never reads another byte. */
async function neverReadingClient(h: WsHarness, topic: string): Promise<net.Socket> {
  const subscribe = maskedTextFrame(JSON.stringify({ type: "subscribe", id: "s", topic }));
  const { socket, head } = await rawWebSocket(`${h.wsUrl}?access_token=token-bob`, [subscribe]);
  expect(head).toMatch(/^HTTP\/1\.1 101/);
  return socket;
}

describe("a deliberately slow consumer", () => {
  let h: WsHarness;
  beforeAll(async () => {
    h = await startWsHarness({ sendBufferBytes: BUDGET, heartbeatMs: 60_000 });
  });
  afterAll(() => h.close());

  it("keeps what the server holds for it bounded, resyncs its stream, coalesces its state; the others get everything", async () => {
    const witness = await h.connectAs("root");
    await witness.subscribe("ext.flood");
    const slow: WsTestClient = await h.connectAs("alice");
    await slow.subscribe("ext.flood");
    await slow.subscribe("system_status");
    // The slow client stops reading: its kernel buffers fill, then the server's send buffer.
    (slow.ws as unknown as { _socket: net.Socket })._socket.pause();

    const TOTAL = 12_000;
    let maxHeld = 0;
    let lastState = 0;
    for (let i = 1; i <= TOTAL; i += 10) {
      await h.hub.publish(range(i, i + 9).map((k) => ({ topic: "ext.flood", data: { k, pad: PAYLOAD } })));
      await h.hub.publishOne("system_status", { v: ++lastState, pad: PAYLOAD });
      maxHeld = Math.max(maxHeld, heldFor(h, "alice"));
      await new Promise((r) => setImmediate(r));
    }
    // 24 MB went by; the server never held much more than the budget for the slow client
    // (one in-flight batch, the latest value of its state topic and a few replies at most).
    expect(maxHeld).toBeGreaterThan(BUDGET / 2);
    expect(maxHeld).toBeLessThanOrEqual(BUDGET + 8 * 1024);
    const snap = await h.metrics.snapshot();
    expect(snap.resynced).toBeGreaterThanOrEqual(1);
    expect(snap.coalesced).toBeGreaterThan(0);

    // The reader missed nothing and was never told to resync.
    await witness.waitForSeq("ext.flood", TOTAL, 20_000);
    expect(witness.seqs("ext.flood")).toEqual(range(1, TOTAL));
    expect(witness.messages.some((m) => m.type === "resync")).toBe(false);

    // The slow client reads again: a gapless prefix, then `resync`; its state ends on the latest value.
    (slow.ws as unknown as { _socket: net.Socket })._socket.resume();
    await slow.waitType("resync", { topic: "ext.flood", reason: "slow_consumer" }, 20_000);
    await slow.waitFor((m) => m.type === "data" && m.topic === "system_status" && (m.data as { v: number }).v === lastState, 20_000);
    const prefix = slow.seqs("ext.flood");
    expect(prefix).toEqual(range(1, prefix.length));
    expect(prefix.length).toBeLessThan(TOTAL);
    const resyncAt = slow.messages.findIndex((m) => m.type === "resync");
    expect(slow.messages.slice(resyncAt).some((m) => m.type === "data" && m.topic === "ext.flood")).toBe(false);

    // It re-subscribes with its cursor, as a client does on `resync`, until it has caught up.
    // History (1,000 messages) no longer covers its cursor: the first answer is recovered:false.
    // Each round delivers at least a budget's worth, so this converges.
    const applied: number[] = [];
    const apply = (from: number) => {
      for (const m of slow.messages.slice(from)) {
        if (m.type === "data" && m.topic === "ext.flood" && (m.seq as number) > (applied.at(-1) ?? 0)) applied.push(m.seq as number);
      }
    };
    apply(0);
    const answers: unknown[] = [];
    for (let round = 0; round < 50 && applied.at(-1) !== TOTAL; round++) {
      const from = slow.messages.length;
      const cursor = slow.data("ext.flood").at(-1)!;
      const reply = await slow.subscribe("ext.flood", { since: { epoch: cursor.epoch, seq: applied.at(-1) } });
      answers.push(reply.recovered);
      await slow.waitFor((m) => (m.type === "data" && m.seq === TOTAL) || (m.type === "resync" && slow.messages.indexOf(m) >= from), 10_000);
      apply(from);
    }
    expect(answers[0]).toBe(false);
    expect(answers.slice(1).every((r) => r === true)).toBe(true);
    expect(applied.at(-1)).toBe(TOTAL);
    await h.hub.publishOne("ext.flood", { k: "after" });
    await slow.waitForSeq("ext.flood", TOTAL + 1);
    await Promise.all([witness.close(), slow.close()]);
  }, 60_000);

  it("a client that never reads is bounded, then dropped by the heartbeat; its subscriptions are released", async () => {
    const h2 = await startWsHarness({ sendBufferBytes: BUDGET, heartbeatMs: 1_000 });
    try {
      const witness = await h2.connectAs("root");
      await witness.subscribe("ext.raw");
      const sinksBefore = h2.hub.sinkCount();
      const raw = await neverReadingClient(h2, "ext.raw");
      await until(() => h2.endpoint.connectionsOf("bob")[0]?.topics.includes("ext.raw") === true);
      let maxHeld = 0;
      let sent = 0;
      for (let i = 0; i < 600; i++) {
        await h2.hub.publish(range(1, 10).map((k) => ({ topic: "ext.raw", data: { k, pad: PAYLOAD } })));
        sent += 10;
        maxHeld = Math.max(maxHeld, heldFor(h2, "bob"));
        await new Promise((r) => setImmediate(r));
      }
      expect(maxHeld).toBeLessThanOrEqual(BUDGET + 8 * 1024);
      await witness.waitForSeq("ext.raw", sent, 20_000);
      expect(witness.seqs("ext.raw")).toEqual(range(1, sent));
      // It cannot answer pings: within two heartbeats it is gone, and so are its sinks.
      await until(() => h2.endpoint.connectionsOf("bob").length === 0, 5_000);
      expect(h2.hub.sinkCount()).toBe(sinksBefore);
      raw.destroy();
      await witness.close();
    } finally {
      await h2.close();
    }
  }, 60_000);
});
