import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Envelope } from "@/lib/realtime/envelope";
import { ADMIN, authHeaders, publishOne, session, type Session } from "../helpers/api";
import { startServer, type RunningServer } from "../helpers/server";
import { SseConnection } from "../helpers/sse-client";
import { connect } from "../helpers/ws-client";

/**
 * The custom server's own code (the producers, loaded by server/main.ts) and the route
 * handlers (bundled by Next) must share ONE hub: a second copy would silently split topics.
 */
describe("one hub per process under next start", () => {
  let server: RunningServer;
  let admin: Session;

  beforeAll(async () => {
    server = await startServer({ env: { PRODUCERS: "monitoring", MONITORING_INTERVAL_MS: "200" } });
    admin = await session(server.url, ADMIN);
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it("a message published by server code (the monitoring producer) reaches an SSE stream", async () => {
    const conn = await SseConnection.open(`${server.url}/api/v1/sse?topics=monitoring`, { headers: authHeaders(admin.auth) });
    try {
      await conn.until(() => conn.events.filter((e) => e.type === "data").length >= 3, 10_000, "three monitoring samples");
      const seqs = conn.events.filter((e) => e.type === "data").map((e) => (JSON.parse(e.data) as Envelope).seq);
      expect(seqs.slice(1)).toEqual(seqs.slice(1).map((_, i) => seqs[1]! + i));
    } finally {
      conn.close();
    }
  });

  it("a message published through a route handler reaches a WebSocket subscriber", async () => {
    const ws = await connect(`${server.url.replace("http", "ws")}/api/v1/ws`, { headers: authHeaders(admin.auth), origin: server.url });
    try {
      await ws.waitFor((m) => m.type === "welcome");
      ws.send({ type: "subscribe", id: "s1", topic: "ext.one_hub" });
      await ws.waitFor((m) => m.type === "subscribed");
      const published = await publishOne(server.url, admin.auth, "ext.one_hub", { hello: "from a route handler" });
      const got = await ws.waitFor((m) => m.type === "data");
      expect(got).toMatchObject({ topic: "ext.one_hub", seq: published.seq, epoch: published.epoch, data: { hello: "from a route handler" } });
    } finally {
      ws.close();
    }
  });
});
