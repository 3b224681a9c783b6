import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connect, maskedTextFrame, range, rawWebSocket, until, WsTestClient } from "../helpers/ws-client";
import { startWsHarness, type WsHarness } from "../helpers/ws-harness";

/**
 * The WebSocket endpoint in-process (real http.Server, real `ws` clients, a hub the test
 * publishes to). The child-process test of the real server is ws-server.test.ts.
 */

const opened: WsTestClient[] = [];
const track = (c: WsTestClient) => (opened.push(c), c);
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()));
});

/** Publishes `n` messages to `topic`, a few per macrotask, like a live producer. */
async function publishMany(h: WsHarness, topic: string, n: number, perTick = 10): Promise<void> {
  for (let i = 0; i < n; i += perTick) {
    await h.hub.publish(range(i, Math.min(n, i + perTick) - 1).map((k) => ({ topic, data: { k } })));
    await new Promise((r) => setImmediate(r));
  }
}

describe("WebSocket endpoint: handshake, welcome and auth", () => {
  let h: WsHarness;
  beforeAll(async () => {
    h = await startWsHarness();
  });
  afterAll(() => h.close());

  it("welcomes a token client with its connection id, heartbeat and settings", async () => {
    h.settings.set("bob", { mode: "websocket", pollingIntervalMs: 7_000 });
    const c = track(await h.connectAs("bob"));
    const welcome = await c.waitType("welcome");
    expect(welcome).toMatchObject({ heartbeatMs: 25_000, settings: { mode: "websocket", pollingIntervalMs: 7_000 } });
    expect(typeof welcome.connectionId).toBe("string");
    expect(Math.abs((welcome.serverTime as number) - Date.now())).toBeLessThan(5_000);
    expect(h.endpoint.connectionsOf("bob").map((i) => i.id)).toContain(welcome.connectionId);
    h.settings.delete("bob");
  });

  it("welcomes a session-cookie client whose Origin is the server's own", async () => {
    const c = track(await h.connectAs("alice", { via: "cookie" }));
    await c.waitType("welcome");
  });

  it("completes the handshake and closes 4401 without credentials or with a bad token", async () => {
    for (const url of [h.wsUrl, `${h.wsUrl}?access_token=token-nobody`]) {
      const c = track(await connect(url, { origin: h.origin }));
      expect(await c.closed).toMatchObject({ code: 4401 });
      expect(c.messages).toEqual([]);
    }
  });

  it("closes 4403 for a wrong Origin, even with a valid session", async () => {
    const c = track(await h.connectAs("alice", { via: "cookie", origin: "http://evil.example" }));
    expect(await c.closed).toMatchObject({ code: 4403 });
  });

  it("closes 4403 for a session cookie without any Origin, but serves a token client without one", async () => {
    const cookie = track(await connect(h.wsUrl, { headers: { cookie: "next-auth.session-token=token-alice" } }));
    expect(await cookie.closed).toMatchObject({ code: 4403 });
    const api = track(await connect(`${h.wsUrl}?access_token=token-alice`));
    await api.waitType("welcome");
  });

  it("closes 4403 for a disabled account", async () => {
    h.users.set("mallory", { id: "mallory", email: "m@example.com", name: "m", role: "user", disabled: true });
    const c = track(await h.connectAs("mallory"));
    expect(await c.closed).toMatchObject({ code: 4403 });
  });

  it("welcomes, then closes 4409, a user whose mode forbids WebSocket", async () => {
    h.settings.set("bob", { mode: "polling", pollingIntervalMs: 10_000 });
    const c = track(await h.connectAs("bob"));
    expect(await c.closed).toMatchObject({ code: 4409 });
    expect(c.messages).toMatchObject([{ type: "welcome", settings: { mode: "polling", pollingIntervalMs: 10_000 } }]);
    h.settings.delete("bob");
  });

  it("answers ping with pong, echoing the id", async () => {
    const c = track(await h.connectAs("alice"));
    c.send({ type: "ping", id: "r3" });
    const pong = await c.waitType("pong", { id: "r3" });
    expect(typeof pong.serverTime).toBe("number");
  });
});

describe("WebSocket endpoint: delivery", () => {
  let h: WsHarness;
  beforeAll(async () => {
    h = await startWsHarness();
  });
  afterAll(() => h.close());

  it("delivers 1,000 published messages complete and in order", async () => {
    const c = track(await h.connectAs("alice"));
    const sub = await c.subscribe("ext.feed1000");
    expect(sub).toMatchObject({ type: "subscribed", topic: "ext.feed1000", seq: 0, recovered: false });
    await publishMany(h, "ext.feed1000", 1_000);
    await c.waitForSeq("ext.feed1000", 1_000);
    expect(c.seqs("ext.feed1000")).toEqual(range(1, 1_000));
    expect(c.data("ext.feed1000").map((m) => (m.data as { k: number }).k)).toEqual(range(0, 999));
    expect(c.messages.some((m) => m.type === "resync")).toBe(false);
  });

  it("resumes after a disconnect with the cursor: no gap, no duplicate, while publishing goes on", async () => {
    const topic = "ext.resume";
    const first = track(await h.connectAs("alice"));
    await first.subscribe(topic);
    let publishing = true;
    let published = 0;
    const producer = (async () => {
      while (publishing) {
        await h.hub.publishOne(topic, { n: ++published });
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    await first.waitForSeq(topic, 50);
    await first.close();
    const applied = first.data(topic);
    const last = applied.at(-1)!;
    // Some messages go by while no client is connected.
    await new Promise((r) => setTimeout(r, 30));
    const second = track(await h.connectAs("alice"));
    const sub = await second.subscribe(topic, { since: { epoch: last.epoch, seq: last.seq } });
    expect(sub).toMatchObject({ recovered: true, epoch: last.epoch });
    await second.waitForSeq(topic, (sub.seq as number) + 20);
    publishing = false;
    await producer;
    await second.waitForSeq(topic, published);
    const seqs = [...first.seqs(topic), ...second.seqs(topic)];
    expect(seqs).toEqual(range(1, published));
  });

  it("answers a cursor from another epoch with recovered:false and the recent history", async () => {
    const topic = "ext.epoch";
    await h.hub.publish(range(1, 5).map((k) => ({ topic, data: { k } })));
    const c = track(await h.connectAs("alice"));
    const sub = await c.subscribe(topic, { since: { epoch: "gone", seq: 3 } });
    expect(sub).toMatchObject({ recovered: false, seq: 5 });
    await c.waitForSeq(topic, 5);
    expect(c.seqs(topic)).toEqual(range(1, 5));
  });

  it("gives a state topic's current value at once", async () => {
    await h.hub.publishOne("system_status", { ok: 1 });
    await h.hub.publishOne("system_status", { ok: 2 });
    const c = track(await h.connectAs("alice"));
    await c.subscribe("system_status");
    const m = await c.waitType("data", { topic: "system_status" });
    expect(m.data).toEqual({ ok: 2 });
  });

  it("writes a single message to an idle connection at once, as a plain data frame", async () => {
    const c = track(await h.connectAs("alice"));
    await c.subscribe("ext.single");
    const before = c.frames.length;
    const t0 = Date.now();
    await h.hub.publishOne("ext.single", { one: true });
    await c.waitForSeq("ext.single", 1);
    expect(Date.now() - t0).toBeLessThan(500);
    expect(c.frames.slice(before).map((f) => JSON.parse(f).type)).toEqual(["data"]);
  });

  it("groups messages that arrive together into batch frames, in order", async () => {
    const c = track(await h.connectAs("alice"));
    await c.subscribe("ext.burst");
    const before = c.frames.length;
    await h.hub.publish(range(1, 200).map((k) => ({ topic: "ext.burst", data: { k } })));
    await c.waitForSeq("ext.burst", 200);
    const frames = c.frames.slice(before).map((f) => JSON.parse(f) as { type: string; messages?: unknown[] });
    expect(frames.length).toBeLessThan(20);
    expect(frames.some((f) => f.type === "batch" && f.messages!.length > 1)).toBe(true);
    expect(c.seqs("ext.burst")).toEqual(range(1, 200));
  });

  it("with batching: false, sends one frame per message (the benchmark's comparison)", async () => {
    const h2 = await startWsHarness({ batching: false });
    try {
      const c = track(await h2.connectAs("alice"));
      await c.subscribe("ext.unbatched");
      const before = c.frames.length;
      await h2.hub.publish(range(1, 200).map((k) => ({ topic: "ext.unbatched", data: { k } })));
      await c.waitForSeq("ext.unbatched", 200);
      const types = c.frames.slice(before).map((f) => (JSON.parse(f) as { type: string }).type);
      expect(types).toEqual(Array(200).fill("data"));
      expect(c.seqs("ext.unbatched")).toEqual(range(1, 200));
    } finally {
      await h2.close();
    }
  });

  it("re-subscribing replaces the subscription (no double delivery); unsubscribe stops it", async () => {
    const c = track(await h.connectAs("alice"));
    await c.subscribe("ext.resub");
    await c.subscribe("ext.resub");
    await h.hub.publishOne("ext.resub", 1);
    await c.waitForSeq("ext.resub", 1);
    c.send({ type: "unsubscribe", id: "u1", topic: "ext.resub" });
    c.send({ type: "ping", id: "after-unsub" });
    await c.waitType("pong", { id: "after-unsub" });
    await h.hub.publishOne("ext.resub", 2);
    c.send({ type: "ping", id: "barrier" });
    await c.waitType("pong", { id: "barrier" });
    expect(c.seqs("ext.resub")).toEqual([1]);
    expect(h.hub.sinkCount()).toBeGreaterThanOrEqual(0);
  });

  it("conflates a state topic to one message per intervalMs, ending on the latest value", async () => {
    const c = track(await h.connectAs("alice"));
    await c.subscribe("capacity", { intervalMs: 300 });
    for (let k = 1; k <= 30; k++) {
      await h.hub.publishOne("capacity", { k });
      await new Promise((r) => setTimeout(r, 10));
    }
    await c.waitFor((m) => m.type === "data" && (m.data as { k: number }).k === 30, 2_000);
    const got = c.data("capacity").map((m) => (m.data as { k: number }).k);
    expect(got.length).toBeLessThanOrEqual(4);
    expect(got.at(-1)).toBe(30);
  });

  it("forwards a settings change, and closes 4409 when it forbids WebSocket; 4403 on account_disabled", async () => {
    const c = track(await h.connectAs("bob"));
    await c.waitType("welcome");
    await h.hub.notifyUser("bob", { type: "settings", mode: "websocket", pollingIntervalMs: 4_000 });
    await c.waitType("settings", { mode: "websocket", pollingIntervalMs: 4_000 });
    await h.hub.notifyUser("bob", { type: "settings", mode: "sse", pollingIntervalMs: 4_000 });
    expect(await c.closed).toMatchObject({ code: 4409 });
    expect(c.messages.at(-1)).toMatchObject({ type: "settings", mode: "sse" });

    const d = track(await h.connectAs("bob"));
    await d.waitType("welcome");
    await h.hub.notifyUser("bob", { type: "account_disabled" });
    expect(await d.closed).toMatchObject({ code: 4403 });
  });

  it("counts connections, subscriptions and deliveries in the metrics, and releases them on close", async () => {
    // Earlier tests' sockets finish closing on the server side.
    await until(() => h.endpoint.stats().connections === 0);
    const before = await h.metrics.snapshot();
    const c = await h.connectAs("alice");
    await c.subscribe("ext.metrics");
    await h.hub.publishOne("ext.metrics", 1);
    await c.waitForSeq("ext.metrics", 1);
    const during = await h.metrics.snapshot();
    expect(during.connections.websocket).toBe((before.connections.websocket ?? 0) + 1);
    expect(during.subscriptions.websocket).toBe((before.subscriptions.websocket ?? 0) + 1);
    expect(during.messagesOut.websocket).toBeGreaterThan(before.messagesOut.websocket ?? 0);
    const sinks = h.hub.sinkCount();
    await c.close();
    await until(() => h.endpoint.stats().connections === 0);
    const after = await h.metrics.snapshot();
    expect(after.connections.websocket).toBe(before.connections.websocket ?? 0);
    expect(after.subscriptions.websocket).toBe(before.subscriptions.websocket ?? 0);
    // Its topic sink and its control listener are gone.
    expect(h.hub.sinkCount()).toBe(sinks - 2);
  });

  it("closes every socket with 1001 on shutdown and refuses new ones the same way", async () => {
    const other = await startWsHarness();
    try {
      const a = await other.connectAs("alice");
      const b = await other.connectAs("bob");
      await a.waitType("welcome");
      const closing = other.endpoint.closeAll(1001, "server going away", 1_000);
      expect(await a.closed).toMatchObject({ code: 1001 });
      expect(await b.closed).toMatchObject({ code: 1001 });
      await closing;
      const late = await other.connectAs("alice");
      expect(await late.closed).toMatchObject({ code: 1001 });
      expect(other.endpoint.stats().connections).toBe(0);
    } finally {
      await other.close();
    }
  });
});

describe("WebSocket endpoint: failures answered, other clients unaffected", () => {
  let h: WsHarness;
  let witness: WsTestClient;
  let witnessSeq = 0;
  const TOPIC = "ext.witness";

  /** After each failure case, the witness still receives a freshly published message. */
  async function witnessStillReceives() {
    const { seq } = await h.hub.publishOne(TOPIC, { after: true });
    witnessSeq = seq;
    await witness.waitForSeq(TOPIC, seq, 2_000);
  }

  beforeAll(async () => {
    h = await startWsHarness({ maxSubscriptions: 100, maxConnectionsPerUser: 3, inboundRate: 1_000, inboundBurst: 1_000 });
    witness = await h.connectAs("root");
    await witness.subscribe(TOPIC);
  });
  afterAll(async () => {
    expect(witness.seqs(TOPIC)).toEqual(range(1, witnessSeq));
    await witness.close();
    await h.close();
  });
  afterEach(async () => {
    await witnessStillReceives();
  });

  it("unauthenticated → 4401", async () => {
    const c = track(await connect(h.wsUrl, { origin: h.origin }));
    expect((await c.closed).code).toBe(4401);
  });

  it("a refused socket that sends an oversized frame before the close does not take the server down", async () => {
    const big = maskedTextFrame(JSON.stringify({ type: "ping", id: "x".repeat(20 * 1024) }));
    const { socket, head } = await rawWebSocket(h.wsUrl, [big], { origin: h.origin });
    expect(head).toMatch(/^HTTP\/1\.1 101/);
    socket.resume();
    await new Promise((resolve) => socket.once("close", resolve));
  });

  it("wrong Origin → 4403", async () => {
    const c = track(await h.connectAs("alice", { origin: "https://attacker.example" }));
    expect((await c.closed).code).toBe(4403);
  });

  it("forbidden topic → forbidden; unknown topic → unknown_topic; the connection stays open", async () => {
    const c = track(await h.connectAs("alice"));
    expect(await c.subscribe("admin.ops")).toMatchObject({ type: "error", code: "forbidden", topic: "admin.ops" });
    expect(await c.subscribe("backtest.someone-elses")).toMatchObject({ type: "error", code: "forbidden" });
    expect(await c.subscribe("nope")).toMatchObject({ type: "error", code: "unknown_topic" });
    expect(await c.subscribe("signals")).toMatchObject({ type: "subscribed" });
    // An admin may read admin topics.
    expect(await witness.subscribe("admin.ops")).toMatchObject({ type: "subscribed" });
  });

  it("malformed JSON, schema failures and binary frames → bad_request; the connection stays open", async () => {
    const c = track(await h.connectAs("alice"));
    c.sendRaw("{not json");
    await c.waitType("error", { code: "bad_request" });
    c.send({ type: "subscribe", id: "bad1", topic: "Not A Topic!" });
    expect(await c.waitType("error", { id: "bad1" })).toMatchObject({ code: "bad_request", topic: "Not A Topic!" });
    c.send({ type: "launch", id: "bad2" });
    expect(await c.waitType("error", { id: "bad2" })).toMatchObject({ code: "bad_request" });
    c.sendRaw(Buffer.from([1, 2, 3]), true);
    await c.waitFor((m) => m.type === "error" && String(m.message).includes("Binary"));
    c.send({ type: "ping", id: "still-here" });
    await c.waitType("pong", { id: "still-here" });
  });

  it("oversized frame → close 1009", async () => {
    const c = track(await h.connectAs("alice"));
    await c.waitType("welcome");
    c.send({ type: "ping", id: "x".repeat(17 * 1024) });
    expect((await c.closed).code).toBe(1009);
  });

  it("subscription flood → too_many_subscriptions; replacing and unsubscribing still work", async () => {
    const c = track(await h.connectAs("alice"));
    for (let i = 0; i < 100; i++) c.send({ type: "subscribe", id: `f${i}`, topic: `market.S${i}` });
    await c.waitType("subscribed", { id: "f99" });
    expect(await c.subscribe("market.S100")).toMatchObject({ type: "error", code: "too_many_subscriptions", topic: "market.S100" });
    expect(await c.subscribe("market.S5", { since: { epoch: "x", seq: 1 } })).toMatchObject({ type: "subscribed" });
    c.send({ type: "unsubscribe", topic: "market.S0" });
    expect(await c.subscribe("market.S100")).toMatchObject({ type: "subscribed" });
    // Still exactly at the limit: S0 out, S100 in, S5 replaced in place.
    const topics = h.endpoint.connectionsOf("alice").find((i) => i.topics.includes("market.S100"))!.topics;
    expect(topics).toHaveLength(100);
    expect(topics).not.toContain("market.S0");
  });

  it("more connections than the per-user cap → 4429 for the extra one only", async () => {
    const ok = [track(await h.connectAs("bob")), track(await h.connectAs("bob")), track(await h.connectAs("bob"))];
    await Promise.all(ok.map((c) => c.waitType("welcome")));
    const extra = track(await h.connectAs("bob"));
    expect((await extra.closed).code).toBe(4429);
    ok[0]!.send({ type: "ping", id: "p" });
    await ok[0]!.waitType("pong", { id: "p" });
    expect(h.endpoint.connectionsOf("bob")).toHaveLength(3);
  });

  it("a subscriber whose socket dies mid-stream, or a sink that throws, does not stop delivery", async () => {
    const decision = await h.hub.topics.authorizeRead(TOPIC, { userId: "root", role: "admin" });
    if (!decision.ok) throw new Error(decision.message);
    const throwing = await h.hub.subscribe(decision.topic, undefined, () => {
      throw new Error("boom");
    });
    const dying = track(await h.connectAs("alice"));
    await dying.subscribe(TOPIC);
    const publishing = h.hub.publish(range(1, 50).map((k) => ({ topic: TOPIC, data: { k } })));
    dying.ws.terminate();
    const published = await publishing;
    witnessSeq = published.at(-1)!.seq;
    await witness.waitForSeq(TOPIC, witnessSeq);
    await witnessStillReceives();
    throwing.close();
  });
});

describe("WebSocket endpoint: permessage-deflate", () => {
  it("is off by default", async () => {
    const h = await startWsHarness();
    try {
      const c = await h.connectAs("alice");
      expect(c.ws.extensions).toBe("");
      await c.close();
    } finally {
      await h.close();
    }
  });

  it("when enabled, is negotiated and messages arrive intact", async () => {
    const h = await startWsHarness({ deflate: { threshold: 256, concurrencyLimit: 2 } });
    try {
      const c = await h.connectAs("alice");
      expect(c.ws.extensions).toContain("permessage-deflate");
      await c.subscribe("ext.deflate");
      const big = "abc".repeat(2_000);
      await h.hub.publish(range(1, 50).map((k) => ({ topic: "ext.deflate", data: { k, big } })));
      await c.waitForSeq("ext.deflate", 50);
      expect(c.seqs("ext.deflate")).toEqual(range(1, 50));
      expect(c.data("ext.deflate").every((m) => (m.data as { big: string }).big === big)).toBe(true);
      await c.close();
    } finally {
      await h.close();
    }
  });
});

describe("WebSocket endpoint: inbound rate limit and heartbeat", () => {
  it("answers rate_limited past the bucket, then closes 4429 on sustained abuse; others unaffected", async () => {
    const h = await startWsHarness({ inboundRate: 5, inboundBurst: 5, abuseLimit: 20 });
    try {
      const calm = await h.connectAs("bob");
      await calm.subscribe("ext.calm");
      const c = await h.connectAs("alice");
      await c.waitType("welcome");
      for (let i = 0; i < 8; i++) c.send({ type: "ping", id: `p${i}` });
      await c.waitType("error", { code: "rate_limited", id: "p7" });
      expect(c.messages.filter((m) => m.type === "pong")).toHaveLength(5);
      for (let i = 0; i < 40; i++) c.send({ type: "ping", id: `q${i}` });
      expect((await c.closed).code).toBe(4429);
      await h.hub.publishOne("ext.calm", 1);
      await calm.waitForSeq("ext.calm", 1);
      await calm.close();
    } finally {
      await h.close();
    }
  });

  it("terminates a peer that does not answer protocol pings; a live peer stays", async () => {
    const h = await startWsHarness({ heartbeatMs: 1_000 });
    try {
      const frozen = await h.connectAs("alice", { autoPong: false });
      const alive = await h.connectAs("bob");
      await Promise.all([frozen.waitType("welcome"), alive.waitType("welcome")]);
      const started = Date.now();
      const { code } = await frozen.closed;
      expect(code).toBe(1006);
      expect(Date.now() - started).toBeLessThan(3_500);
      expect((await h.metrics.snapshot()).errors.heartbeat_timeout).toBe(1);
      alive.send({ type: "ping", id: "ok" });
      await alive.waitType("pong", { id: "ok" });
      await alive.close();
    } finally {
      await h.close();
    }
  }, 10_000);
});
