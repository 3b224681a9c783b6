import http from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { decodeCursorToken, encodeCursorToken } from "@/lib/realtime/cursor-token";
import type { Envelope } from "@/lib/realtime/envelope";
import { ADMIN, DEMO, authHeaders, createApiKey, errorOf, eventually, publishBatch, publishOne, session, stats, type Auth, type Session } from "../helpers/api";
import { startServer, type RunningServer } from "../helpers/server";
import { SseConnection, SseParser, type SseEvent } from "../helpers/sse-client";

const payload = (e: SseEvent) => JSON.parse(e.data) as Record<string, unknown>;
const envelope = (e: SseEvent) => JSON.parse(e.data) as Envelope<{ i: number }>;

describe("SSE: GET /api/v1/sse against the production server", () => {
  let server: RunningServer;
  let admin: Session;
  let demo: Session;
  let producer: Auth;
  const opened: SseConnection[] = [];
  const sse = async (query: string, auth: Auth | undefined, opts: { lastEventId?: string; headers?: Record<string, string> } = {}) => {
    const conn = await SseConnection.open(`${server.url}/api/v1/sse?${query}`, { headers: authHeaders(auth, opts.headers), lastEventId: opts.lastEventId });
    opened.push(conn);
    return conn;
  };
  const dataEvents = (conn: SseConnection) => conn.events.filter((e) => e.type === "data");

  beforeAll(async () => {
    server = await startServer({ env: { SSE_HEARTBEAT_MS: "1000", PRODUCERS: "off" } });
    admin = await session(server.url, ADMIN);
    demo = await session(server.url, DEMO);
    producer = { bearer: (await createApiKey(server.url, admin.auth)).secret };
  });
  afterEach(() => {
    for (const c of opened.splice(0)) c.close();
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it("refuses with JSON and a status before the stream starts", async () => {
    const cases: Array<[string, Auth | undefined, number, string, Record<string, string>?]> = [
      ["topics=ext.a", undefined, 401, "unauthenticated"],
      ["topics=ext.a", { bearer: "not-a-token" }, 401, "unauthenticated"],
      ["topics=ext.a", { bearer: "sbk_unknownkey" }, 401, "unauthenticated"],
      ["topics=ext.a", producer, 403, "forbidden"], // API keys publish, they do not read
      ["", demo.auth, 400, "bad_request"],
      ["topics=,,", demo.auth, 400, "bad_request"],
      ["topics=ext.a&since=%%%garbage", demo.auth, 400, "bad_request"],
      ["topics=ext.a&since=eyJub3QiOiJhIGN1cnNvciJ9", demo.auth, 400, "bad_request"],
      ["topics=ext.a", demo.auth, 400, "bad_request", { "last-event-id": "garbage!" }],
      ["topics=admin.ops", demo.auth, 403, "forbidden"],
      ["topics=no_such_topic", demo.auth, 404, "unknown_topic"],
    ];
    for (const [query, auth, status, code, headers] of cases) {
      const res = await fetch(`${server.url}/api/v1/sse?${query}`, { headers: authHeaders(auth, headers) });
      expect({ query, ...(await errorOf(res)) }).toMatchObject({ query, status, code });
    }
  });

  it("opens with retry and an immediate event, then subscribed; refused topics get error events", async () => {
    const conn = await sse("topics=ext.open,admin.ops,no_such_topic", demo.auth);
    expect(conn.response.status).toBe(200);
    const welcome = await conn.next();
    expect(welcome.type).toBe("welcome");
    expect(conn.retry).toBe(2000);
    expect(payload(welcome)).toMatchObject({ type: "welcome", heartbeatMs: 1000, settings: { mode: "auto" } });
    const errors = [await conn.next(), await conn.next()].map(payload);
    expect(errors).toEqual([
      { type: "error", topic: "admin.ops", code: "forbidden", message: expect.any(String) },
      { type: "error", topic: "no_such_topic", code: "unknown_topic", message: expect.any(String) },
    ]);
    const subscribed = await conn.next();
    expect(subscribed.type).toBe("subscribed");
    expect(payload(subscribed)).toMatchObject({ type: "subscribed", topic: "ext.open", seq: 0, recovered: false });
    conn.close();
  });

  it("sends a heartbeat comment every SSE_HEARTBEAT_MS", async () => {
    const conn = await sse("topics=ext.quiet", demo.auth);
    await conn.until(() => conn.comments.length >= 2, 5_000, "two heartbeats");
    expect(conn.comments[0]).toBe("heartbeat");
    conn.close();
  });

  it("delivers 1,000 published messages complete and in order, each with a cursor token for the stream", async () => {
    const conn = await sse("topics=ext.thousand,system_status", demo.auth);
    await conn.next("subscribed");
    await conn.next("subscribed");
    for (let b = 0; b < 10; b++) {
      await publishBatch(
        server.url,
        producer,
        Array.from({ length: 100 }, (_, k) => ({ topic: "ext.thousand", data: { i: b * 100 + k } })),
      );
    }
    const received: SseEvent[] = [];
    for (let i = 0; i < 1000; i++) received.push(await conn.next("data"));
    const envelopes = received.map(envelope);
    expect(envelopes.map((e) => e.data.i)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(envelopes.map((e) => e.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(new Set(envelopes.map((e) => e.epoch)).size).toBe(1);
    // Every data event's id holds the cursors of all the stream's topics.
    for (const [k, e] of received.entries()) {
      const cursors = decodeCursorToken(e.lastEventId);
      expect(cursors["ext.thousand"]).toEqual({ epoch: envelopes[k]!.epoch, seq: envelopes[k]!.seq });
      expect(cursors.system_status).toMatchObject({ seq: 0 });
    }
    conn.close();
  });

  it("resumes every topic of a stream from Last-Event-ID after a disconnect: no gap, no duplicate", async () => {
    const topics = ["ext.resume_a", "ext.resume_b"];
    const publishRound = (from: number) =>
      publishBatch(
        server.url,
        producer,
        Array.from({ length: 100 }, (_, k) => ({ topic: topics[k % 2]!, data: { i: from + k } })),
      );
    const first = await sse(`topics=${topics.join(",")}`, demo.auth);
    await first.next("subscribed");
    await first.next("subscribed");
    await publishRound(0);
    const seen: Envelope<{ i: number }>[] = [];
    let lastId = "";
    for (let k = 0; k < 37; k++) {
      const e = await first.next("data");
      seen.push(envelope(e));
      lastId = e.lastEventId;
    }
    first.close();
    await publishRound(100);

    // A reconnecting EventSource keeps its URL and sends the last id it saw.
    const second = await sse(`topics=${topics.join(",")}`, demo.auth, { lastEventId: lastId });
    await second.until(() => dataEvents(second).length >= 200 - 37, 10_000, "the missed messages");
    const subscribed = second.events.filter((e) => e.type === "subscribed").map(payload);
    expect(subscribed.map((s) => [s.topic, s.recovered])).toEqual(topics.map((t) => [t, true]));
    seen.push(...dataEvents(second).map(envelope));
    for (const topic of topics) {
      const seqs = seen.filter((e) => e.topic === topic).map((e) => e.seq);
      expect(seqs, topic).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    }
    expect(seen.map((e) => e.data.i).sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    // Nothing more: a late extra event would be a duplicate.
    await new Promise((r) => setTimeout(r, 200));
    expect(dataEvents(second)).toHaveLength(200 - 37);
    second.close();
  });

  it("resumes from ?since= the same way (a client switching transports)", async () => {
    const [p] = await publishBatch(server.url, producer, [
      { topic: "ext.since", data: { i: 0 } },
      { topic: "ext.since", data: { i: 1 } },
      { topic: "ext.since", data: { i: 2 } },
    ]);
    const token = encodeCursorToken({ "ext.since": { epoch: p!.epoch, seq: 1 } });
    const conn = await sse(`topics=ext.since&since=${token}`, demo.auth);
    expect(payload(await conn.next("subscribed"))).toMatchObject({ recovered: true, seq: 3 });
    expect([envelope(await conn.next("data")).seq, envelope(await conn.next("data")).seq]).toEqual([2, 3]);
    conn.close();
  });

  it("accepts a session JWT as Authorization: Bearer", async () => {
    const conn = await sse("topics=ext.bearer", { bearer: demo.token });
    expect(conn.response.status).toBe(200);
    expect((await conn.next("subscribed")).type).toBe("subscribed");
    conn.close();
  });

  it("is never compressed and flushes each event as it happens, even to a gzip client", async () => {
    const req = http.get(`${server.url}/api/v1/sse?topics=ext.gzip`, {
      headers: { ...authHeaders(demo.auth), "accept-encoding": "gzip, deflate, br" },
    });
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => req.once("response", resolve).once("error", reject));
    try {
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-encoding"]).toBeUndefined();
      expect(res.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
      expect(res.headers["cache-control"]).toBe("no-cache, no-transform");
      expect(res.headers["x-accel-buffering"]).toBe("no");
      expect(res.headers.connection).toBe("keep-alive");
      const events: SseEvent[] = [];
      const parser = new SseParser({ onEvent: (e) => events.push(e) });
      res.setEncoding("utf8");
      res.on("data", (text: string) => parser.feed(text));
      const waitFor = async (n: number) => {
        const deadline = Date.now() + 5_000;
        while (events.filter((e) => e.type === "data").length < n) {
          if (Date.now() > deadline) throw new Error(`event ${n} did not arrive on its own`);
          await new Promise((r) => setTimeout(r, 10));
        }
      };
      await eventually(async () => expect(events.some((e) => e.type === "subscribed")).toBe(true));
      // Each event arrives before the next is even published: nothing waits in a buffer.
      for (let i = 1; i <= 3; i++) {
        await publishOne(server.url, producer, "ext.gzip", { i });
        await waitFor(i);
      }
    } finally {
      req.destroy();
    }
  });

  it("releases every subscription at once when 200 streams are opened and aborted", async () => {
    // Streams of earlier tests are gone first.
    await eventually(async () => expect((await stats(server.url, admin.auth)).connections.sse ?? 0).toBe(0));
    const before = await stats(server.url, admin.auth);
    const conns = await Promise.all(Array.from({ length: 200 }, () => sse("topics=ext.leak,system_status,signals", demo.auth)));
    await Promise.all(conns.map(async (c) => (await c.next("subscribed"), await c.next("subscribed"), await c.next("subscribed"))));
    const open = await stats(server.url, admin.auth);
    // Three topics and the user's control channel per stream.
    expect(open.sinks).toBe(before.sinks + 200 * 4);
    expect(open.connections.sse).toBe((before.connections.sse ?? 0) + 200);
    expect(open.subscriptions.sse).toBe((before.subscriptions.sse ?? 0) + 600);
    for (const c of conns) c.close();
    await eventually(async () => {
      const after = await stats(server.url, admin.auth);
      expect(after.sinks).toBe(before.sinks);
      expect(after.connections.sse ?? 0).toBe(before.connections.sse ?? 0);
      expect(after.subscriptions.sse ?? 0).toBe(before.subscriptions.sse ?? 0);
    });
    // The server still serves new streams afterwards.
    const again = await sse("topics=ext.leak", demo.auth);
    expect((await again.next("subscribed")).type).toBe("subscribed");
    again.close();
  });

  it("ends open streams on graceful shutdown", async () => {
    const conn = await sse("topics=ext.bye", demo.auth);
    await conn.next("subscribed");
    const exited = server.stop("SIGTERM");
    await conn.closedByServer(5_000);
    expect((await exited).code).toBe(0);
  });
});
