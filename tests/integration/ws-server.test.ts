import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCursorToken } from "@/lib/realtime/cursor-token";
import type { Envelope } from "@/lib/realtime/envelope";
import { SseConnection } from "../helpers/sse-client";
import { connect, range } from "../helpers/ws-client";
import { signIn, startServer, type RunningServer } from "../helpers/server";

/** /api/v1/ws on the real custom server (a child process, production build, real sign-in). */

const DEMO = { email: "demo@switchback.local", password: "switchback-demo" };
const ADMIN = { email: "admin@switchback.local", password: "switchback-admin" };

describe("WebSocket on the real custom server", () => {
  let server: RunningServer;
  let wsUrl: string;
  beforeAll(async () => {
    server = await startServer();
    wsUrl = `${server.url.replace(/^http/, "ws")}/api/v1/ws`;
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it("welcomes a signed-in session cookie with the user's settings", async () => {
    const { jar, error } = await signIn(server.url, DEMO.email, DEMO.password);
    expect(error).toBeUndefined();
    const client = await connect(wsUrl, { origin: server.url, headers: { cookie: jar.header() } });
    const welcome = await client.waitType("welcome");
    expect(welcome).toMatchObject({ heartbeatMs: 25_000, settings: { mode: expect.any(String), pollingIntervalMs: expect.any(Number) } });
    expect(await client.subscribe("system_status")).toMatchObject({ type: "subscribed", topic: "system_status" });
    client.send({ type: "ping", id: "p1" });
    await client.waitType("pong", { id: "p1" });
    await client.close();
  });

  it("completes the handshake and closes 4401 without a cookie, 4403 from a foreign Origin", async () => {
    const anonymous = await connect(wsUrl, { origin: server.url });
    expect((await anonymous.closed).code).toBe(4401);
    const { jar } = await signIn(server.url, DEMO.email, DEMO.password);
    const foreign = await connect(wsUrl, { origin: "https://elsewhere.example", headers: { cookie: jar.header() } });
    expect((await foreign.closed).code).toBe(4403);
  });

  it("delivers 1,000 messages published through the route handler (one hub per process), and resumes without gap", async () => {
    const admin = (await signIn(server.url, ADMIN.email, ADMIN.password)).jar.header();
    const publish = async (messages: Array<{ topic: string; data: unknown }>) => {
      const res = await fetch(`${server.url}/api/v1/publish`, {
        method: "POST",
        headers: { cookie: admin, "content-type": "application/json", origin: server.url },
        body: JSON.stringify({ messages }),
      });
      expect(res.status, await res.clone().text()).toBe(200);
    };
    const { jar } = await signIn(server.url, DEMO.email, DEMO.password);
    const open = () => connect(wsUrl, { origin: server.url, headers: { cookie: jar.header() } });
    const first = await open();
    expect(await first.subscribe("ext.e2e")).toMatchObject({ type: "subscribed", seq: 0 });
    for (let i = 0; i < 1_000; i += 100) await publish(range(i + 1, i + 100).map((k) => ({ topic: "ext.e2e", data: { k } })));
    await first.waitForSeq("ext.e2e", 1_000);
    expect(first.seqs("ext.e2e")).toEqual(range(1, 1_000));
    const cursor = first.data("ext.e2e").at(-1)!;
    await first.close();

    await publish(range(1_001, 1_050).map((k) => ({ topic: "ext.e2e", data: { k } })));
    const second = await open();
    expect(await second.subscribe("ext.e2e", { since: { epoch: cursor.epoch, seq: cursor.seq } })).toMatchObject({ recovered: true, seq: 1_050 });
    await second.waitForSeq("ext.e2e", 1_050);
    expect(second.seqs("ext.e2e")).toEqual(range(1_001, 1_050));
    await second.close();
  });

  it("a subscriber moved WebSocket → SSE → polling mid-stream by its cursor sees exactly the published sequence", async () => {
    const topic = "ext.handover";
    const admin = (await signIn(server.url, ADMIN.email, ADMIN.password)).jar.header();
    const demo = (await signIn(server.url, DEMO.email, DEMO.password)).jar.header();
    let published = 0;
    let producing = true;
    const producer = (async () => {
      while (producing) {
        const batch = range(published + 1, published + 5).map((k) => ({ topic, data: { k } }));
        const res = await fetch(`${server.url}/api/v1/publish`, {
          method: "POST",
          headers: { cookie: admin, "content-type": "application/json" },
          body: JSON.stringify({ messages: batch }),
        });
        expect(res.status).toBe(200);
        published += batch.length;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();

    // The client's rule: apply a message only if its seq is above the last applied one.
    const applied: number[] = [];
    let epoch = "";
    let duplicates = 0;
    const apply = (m: { epoch: string; seq: number }) => {
      epoch = m.epoch;
      if (m.seq <= (applied.at(-1) ?? 0)) duplicates++;
      else applied.push(m.seq);
    };
    const last = () => applied.at(-1) ?? 0;

    // 1. WebSocket.
    const ws = await connect(wsUrl, { origin: server.url, headers: { cookie: demo } });
    await ws.subscribe(topic);
    await ws.waitForSeq(topic, 100);
    await ws.close();
    for (const m of ws.data(topic)) apply(m as unknown as Envelope);

    // 2. SSE from the WebSocket's cursor.
    const since = encodeCursorToken({ [topic]: { epoch, seq: last() } });
    const sse = await SseConnection.open(`${server.url}/api/v1/sse?topics=${topic}&since=${since}`, { headers: { cookie: demo } });
    const fromWs = last();
    let sseToken = "";
    while (last() < fromWs + 100) {
      const event = await sse.next("data");
      apply(JSON.parse(event.data) as Envelope);
      sseToken = event.lastEventId;
    }
    sse.close();

    // 3. Polling from the SSE stream's last id, until the producer has stopped and all is read.
    let token = sseToken;
    const fromSse = last();
    for (let round = 0; ; round++) {
      if (round === 5) {
        producing = false;
        await producer;
      }
      const res = await fetch(`${server.url}/api/v1/realtime/batch?topics=${topic}&since=${token}`, { headers: { cookie: demo } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { since: string; topics: Record<string, { recovered: boolean; messages: Envelope[] }> };
      expect(body.topics[topic]!.recovered).toBe(true);
      for (const m of body.topics[topic]!.messages) apply(m);
      token = body.since;
      if (!producing && last() === published) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(fromWs).toBeGreaterThanOrEqual(100);
    expect(fromSse).toBeGreaterThanOrEqual(fromWs + 100);
    expect(published).toBeGreaterThan(fromSse);
    expect(applied).toEqual(range(1, published));
    expect(duplicates).toBe(0);
  });

  it("pushes a settings change from PUT /api/v1/me/settings to the open socket, then closes 4409 when it forbids WebSocket", async () => {
    const { jar } = await signIn(server.url, DEMO.email, DEMO.password);
    const put = (body: object) =>
      fetch(`${server.url}/api/v1/me/settings`, {
        method: "PUT",
        headers: { cookie: jar.header(), "content-type": "application/json", origin: server.url },
        body: JSON.stringify(body),
      });
    const client = await connect(wsUrl, { origin: server.url, headers: { cookie: jar.header() } });
    await client.waitType("welcome");
    expect((await put({ mode: "websocket", pollingIntervalMs: 6_000 })).status).toBe(200);
    await client.waitType("settings", { mode: "websocket", pollingIntervalMs: 6_000 });
    expect((await put({ mode: "sse", pollingIntervalMs: 6_000 })).status).toBe(200);
    expect((await client.closed).code).toBe(4409);
    expect(client.messages.at(-1)).toMatchObject({ type: "settings", mode: "sse" });
    // A new socket learns the mode from welcome and is closed the same way.
    const again = await connect(wsUrl, { origin: server.url, headers: { cookie: jar.header() } });
    expect((await again.closed).code).toBe(4409);
    expect(again.messages).toMatchObject([{ type: "welcome", settings: { mode: "sse" } }]);
    expect((await put({ mode: "auto", pollingIntervalMs: 5_000 })).status).toBe(200);
  });

  it("closes open sockets with 1001 when the server shuts down", async () => {
    const { jar } = await signIn(server.url, DEMO.email, DEMO.password);
    const client = await connect(wsUrl, { origin: server.url, headers: { cookie: jar.header() } });
    await client.waitType("welcome");
    const stopping = server.stop("SIGTERM");
    expect((await client.closed).code).toBe(1001);
    expect((await stopping).code).toBe(0);
  });
});
