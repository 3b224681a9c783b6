import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Envelope } from "@/lib/realtime/envelope";
import { encodeCursorToken } from "@/lib/realtime/cursor-token";
import { ADMIN, authHeaders, publishBatch, session, type Session } from "../helpers/api";
import { deleteRedisKeys } from "../helpers/redis";
import { startServer, type RunningServer } from "../helpers/server";
import { SseConnection } from "../helpers/sse-client";
import { connect, range } from "../helpers/ws-client";

/**
 * Two instances behind one (imaginary) load balancer, sharing Postgres and Redis: one set of
 * topics, one history, so a client can publish on one, read on the other, and resume anywhere.
 */
const REDIS_URL = process.env.REDIS_URL;
const DATABASE_URL = process.env.DATABASE_URL;

describe.runIf(REDIS_URL && DATABASE_URL)("several instances on Redis", () => {
  const prefix = `switchback-test-${crypto.randomBytes(4).toString("hex")}:`;
  let a: RunningServer;
  let b: RunningServer;
  let admin: Session;

  beforeAll(async () => {
    // The market producer feeds a shared topic: only one instance may run it.
    const env = { REDIS_URL, REDIS_PREFIX: prefix, PRODUCERS: "market", MARKET_BACKFILL_MINUTES: "0" };
    a = await startServer({ driver: "postgres", env });
    b = await startServer({ env: { ...env, DATABASE_URL: a.databaseUrl } });
    admin = await session(a.url, ADMIN);
  });
  afterAll(async () => {
    await b?.dispose();
    await a?.dispose();
    await deleteRedisKeys(REDIS_URL!, prefix);
  });

  it("reports Redis in health", async () => {
    const health = (await (await fetch(`${b.url}/api/v1/realtime/health`)).json()) as { checks: Record<string, { status: string }> };
    expect(health.checks.broker_redis?.status).toBe("healthy");
  });

  it("delivers what one instance publishes to a WebSocket on the other, then resumes over SSE on the first", async () => {
    const ws = await connect(`${b.url.replace("http", "ws")}/api/v1/ws`, { origin: b.url, headers: authHeaders(admin.auth) });
    await ws.waitFor((m) => m.type === "welcome");
    ws.send({ type: "subscribe", id: "s", topic: "ext.multi" });
    await ws.waitFor((m) => m.type === "subscribed");

    const first = await publishBatch(a.url, admin.auth, range(1, 100).map((n) => ({ topic: "ext.multi", data: { n } })));
    await ws.waitFor((m) => m.type === "data" && m.seq === 100, 10_000, "seq 100 on instance b");
    const onB = ws.messages.filter((m) => m.type === "data") as unknown as Envelope[];
    expect(onB.map((m) => m.seq)).toEqual(range(1, 100));
    ws.close();

    // More is published on b while the client is away; it resumes on a from its cursor.
    await publishBatch(b.url, admin.auth, range(101, 150).map((n) => ({ topic: "ext.multi", data: { n } })));
    const since = encodeCursorToken({ "ext.multi": { epoch: first[0]!.epoch, seq: 100 } });
    const sse = await SseConnection.open(`${a.url}/api/v1/sse?topics=ext.multi&since=${since}`, { headers: authHeaders(admin.auth) });
    try {
      await sse.until(() => sse.events.filter((e) => e.type === "data").length >= 50, 10_000, "50 resumed messages");
      const subscribed = JSON.parse(sse.events.find((e) => e.type === "subscribed")!.data) as { recovered: boolean };
      expect(subscribed.recovered).toBe(true);
      const seqs = sse.events.filter((e) => e.type === "data").map((e) => (JSON.parse(e.data) as Envelope).seq);
      expect(seqs).toEqual(range(101, 150));
    } finally {
      sse.close();
    }
  });

  it("keeps the history when one instance restarts", async () => {
    const [before] = await publishBatch(a.url, admin.auth, [{ topic: "ext.restart", data: 1 }]);
    await b.stop("SIGTERM");
    b = await startServer({ env: { REDIS_URL, REDIS_PREFIX: prefix, PRODUCERS: "market", MARKET_BACKFILL_MINUTES: "0", DATABASE_URL: a.databaseUrl } });
    const res = await fetch(`${b.url}/api/v1/realtime/batch?topics=ext.restart&since=${encodeCursorToken({ "ext.restart": { epoch: before!.epoch, seq: 0 } })}`, {
      headers: authHeaders(admin.auth),
    });
    const body = (await res.json()) as { topics: Record<string, { recovered: boolean; epoch: string; messages: Envelope[] }> };
    expect(body.topics["ext.restart"]).toMatchObject({ recovered: true, epoch: before!.epoch });
    expect(body.topics["ext.restart"]!.messages.map((m) => m.data)).toEqual([1]);
  });

  it("runs the shared producers on one instance, and hands them over when it stops", async () => {
    const started = (srv: RunningServer) => srv.logs.filter((l) => l.msg === "lease won: starting").length;
    expect(started(a)).toBe(1);
    expect(started(b)).toBe(0);
    await a.stop("SIGTERM");
    const deadline = Date.now() + 15_000;
    while (started(b) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(started(b)).toBe(1);
  });
});
