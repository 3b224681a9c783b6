import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Envelope } from "@/lib/realtime/envelope";
import { ADMIN, DEMO, authHeaders, createApiKey, errorOf, postJson, publishBatch, publishOne, session, stats, type Auth, type Session } from "../helpers/api";
import { startServer, type RunningServer } from "../helpers/server";
import { SseConnection } from "../helpers/sse-client";

interface KeySummary {
  id: string;
  name: string;
  ownerId: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

describe("publishing, API keys and operations endpoints against the production server", () => {
  let server: RunningServer;
  let admin: Session;
  let demo: Session;
  let producer: Auth;
  let producerKeyId: string;

  beforeAll(async () => {
    // A small rate and body limit, so the limits are quick to reach.
    server = await startServer({ env: { PRODUCERS: "off", PUBLISH_RATE: "50", PUBLISH_BURST: "100", PUBLISH_MAX_BODY_BYTES: "4096" } });
    admin = await session(server.url, ADMIN);
    demo = await session(server.url, DEMO);
    const key = await createApiKey(server.url, admin.auth, "main producer");
    producer = { bearer: key.secret };
    producerKeyId = key.id;
  });
  afterAll(async () => {
    await server?.dispose();
  });

  const listKeys = async () => {
    const res = await fetch(`${server.url}/api/v1/admin/api-keys`, { headers: authHeaders(admin.auth) });
    expect(res.status).toBe(200);
    return ((await res.json()) as { keys: Array<KeySummary & Record<string, unknown>> }).keys;
  };

  describe("API keys", () => {
    it("shows the secret once, lists keys without it, and notes their use", async () => {
      const created = await postJson(server.url, "/api/v1/admin/api-keys", admin.auth, { name: "listed" });
      expect(created.status).toBe(201);
      const { key, secret } = (await created.json()) as { key: KeySummary; secret: string };
      expect(secret).toMatch(/^sbk_[A-Za-z0-9_-]{43}$/);
      expect(secret.startsWith(key.prefix)).toBe(true);
      expect(key).toMatchObject({ name: "listed", lastUsedAt: null, revokedAt: null });

      await publishOne(server.url, { bearer: secret }, "ext.keys", { hello: 1 });
      const listed = (await listKeys()).find((k) => k.id === key.id)!;
      expect(listed.lastUsedAt).not.toBeNull();
      expect(JSON.stringify(listed)).not.toContain(secret);
      expect(listed).not.toHaveProperty("keyHash");
    });

    it("stops accepting a key the moment it is revoked", async () => {
      const { id, secret } = await createApiKey(server.url, admin.auth, "to revoke");
      await publishOne(server.url, { bearer: secret }, "ext.keys", { before: true });
      const revoked = await fetch(`${server.url}/api/v1/admin/api-keys/${id}`, { method: "DELETE", headers: authHeaders(admin.auth) });
      expect(revoked.status).toBe(200);
      expect(((await revoked.json()) as { key: KeySummary }).key.revokedAt).not.toBeNull();
      const refused = await postJson(server.url, "/api/v1/publish", { bearer: secret }, { topic: "ext.keys", data: {} });
      expect(await errorOf(refused)).toMatchObject({ status: 401, code: "unauthenticated" });
      expect((await listKeys()).find((k) => k.id === id)!.revokedAt).not.toBeNull();
    });

    it("is an admin-only API", async () => {
      const missing = await fetch(`${server.url}/api/v1/admin/api-keys/00000000-0000-4000-8000-000000000000`, { method: "DELETE", headers: authHeaders(admin.auth) });
      expect(await errorOf(missing)).toMatchObject({ status: 404, code: "not_found" });
      const notUuid = await fetch(`${server.url}/api/v1/admin/api-keys/xyz`, { method: "DELETE", headers: authHeaders(admin.auth) });
      expect(await errorOf(notUuid)).toMatchObject({ status: 404, code: "not_found" });
      expect(await errorOf(await fetch(`${server.url}/api/v1/admin/api-keys`))).toMatchObject({ status: 401 });
      expect(await errorOf(await fetch(`${server.url}/api/v1/admin/api-keys`, { headers: authHeaders(demo.auth) }))).toMatchObject({ status: 403, code: "forbidden" });
      expect(await errorOf(await fetch(`${server.url}/api/v1/admin/api-keys`, { headers: authHeaders(producer) }))).toMatchObject({ status: 403, code: "forbidden" });
      expect(await errorOf(await postJson(server.url, "/api/v1/admin/api-keys", admin.auth, { name: "" }))).toMatchObject({ status: 400, code: "bad_request" });
    });
  });

  describe("POST /api/v1/publish", () => {
    it("publishes one message or a batch in order, with the cursors of each", async () => {
      const one = await publishOne(server.url, producer, "ext.order", { n: 0 });
      expect(one).toMatchObject({ topic: "ext.order", seq: 1 });
      const results = await publishBatch(server.url, producer, [
        { topic: "ext.order", data: { n: 1 } },
        { topic: "ext.other", data: { n: 2 } },
        { topic: "ext.order", data: { n: 3 } },
      ]);
      expect(results.map((r) => [r.topic, r.seq])).toEqual([
        ["ext.order", 2],
        ["ext.other", 1],
        ["ext.order", 3],
      ]);
      expect(results[0]!.epoch).toBe(one.epoch);
    });

    it("lets an admin publish with the session cookie or the session JWT, and nobody else", async () => {
      await publishOne(server.url, admin.auth, "ext.admin", { via: "cookie" });
      await publishOne(server.url, { bearer: admin.token }, "ext.admin", { via: "bearer" });
      expect(await errorOf(await postJson(server.url, "/api/v1/publish", demo.auth, { topic: "ext.admin", data: 1 }))).toMatchObject({ status: 403, code: "forbidden" });
      expect(await errorOf(await postJson(server.url, "/api/v1/publish", undefined, { topic: "ext.admin", data: 1 }))).toMatchObject({ status: 401, code: "unauthenticated" });
    });

    it("answers bad input with 400 bad_request", async () => {
      const bad: Array<[unknown, Record<string, string>?]> = [
        ["{not json"],
        [{ topic: "ext.x" }], // no data
        [{ data: 1 }],
        [{ topic: "Not A Topic", data: 1 }],
        [{ messages: [] }],
        [{ messages: [{ topic: "ext.x", data: 1 }, { topic: "ext.x" }] }],
        [[1, 2, 3]],
        [{ topic: "ext.x", data: 1 }, { "content-type": "text/plain" }],
      ];
      for (const [body, headers] of bad) {
        const res = await postJson(server.url, "/api/v1/publish", producer, body, headers);
        expect({ body, ...(await errorOf(res)) }).toMatchObject({ status: 400, code: "bad_request" });
      }
    });

    it("refuses unknown topics (404 unknown_topic) and server-fed topics (403), publishing nothing of a refused batch", async () => {
      expect(await errorOf(await postJson(server.url, "/api/v1/publish", producer, { topic: "nope_nope", data: 1 }))).toMatchObject({ status: 404, code: "unknown_topic" });
      expect(await errorOf(await postJson(server.url, "/api/v1/publish", producer, { topic: "monitoring", data: 1 }))).toMatchObject({ status: 403, code: "forbidden" });
      expect(await errorOf(await postJson(server.url, "/api/v1/publish", producer, { topic: "notifications", data: 1 }))).toMatchObject({ status: 403, code: "forbidden" });
      const before = await publishOne(server.url, producer, "ext.atomic", { n: 0 });
      const mixed = await postJson(server.url, "/api/v1/publish", producer, {
        messages: [
          { topic: "ext.atomic", data: { n: 1 } },
          { topic: "monitoring", data: { n: 2 } },
        ],
      });
      expect(await errorOf(mixed)).toMatchObject({ status: 403, code: "forbidden", message: expect.stringContaining("messages[1]") });
      expect((await publishOne(server.url, producer, "ext.atomic", { n: 3 })).seq).toBe(before.seq + 1);
    });

    it("answers 413 past the body limit or a batch larger than the burst", async () => {
      const big = await postJson(server.url, "/api/v1/publish", producer, { topic: "ext.big", data: "x".repeat(5000) });
      expect(await errorOf(big)).toMatchObject({ status: 413, code: "payload_too_large" });
      const many = await postJson(server.url, "/api/v1/publish", producer, { messages: Array.from({ length: 101 }, () => ({ topic: "ext.big", data: 0 })) });
      expect(await errorOf(many)).toMatchObject({ status: 413, code: "payload_too_large" });
    });

    it("answers 429 with Retry-After past the key's rate, per key", async () => {
      const { secret } = await createApiKey(server.url, admin.auth, "rate test");
      const key = { bearer: secret };
      const batch = (n: number) => ({ messages: Array.from({ length: n }, (_, i) => ({ topic: "ext.rate", data: i })) });
      expect((await postJson(server.url, "/api/v1/publish", key, batch(100))).status).toBe(200);
      const limited = await postJson(server.url, "/api/v1/publish", key, batch(60));
      expect(await errorOf(limited)).toMatchObject({ status: 429, code: "rate_limited" });
      const retryAfter = Number(limited.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(2);
      // Another key has its own bucket.
      expect((await postJson(server.url, "/api/v1/publish", producer, batch(10))).status).toBe(200);
      // After the wait, the same request goes through.
      await new Promise((r) => setTimeout(r, retryAfter * 1000));
      expect((await postJson(server.url, "/api/v1/publish", key, batch(60))).status).toBe(200);
    });
  });

  describe("operations", () => {
    it("broadcasts an admin's message as a notification to every user, or onto a topic; others may not broadcast", async () => {
      const conn = await SseConnection.open(`${server.url}/api/v1/sse?topics=notifications,ext.announcements`, { headers: authHeaders(demo.auth) });
      try {
        await conn.next("subscribed");
        expect(await errorOf(await postJson(server.url, "/api/v1/realtime/broadcast", demo.auth, { message: "hi" }))).toMatchObject({ status: 403, code: "forbidden" });
        expect(await errorOf(await postJson(server.url, "/api/v1/realtime/broadcast", producer, { message: "hi" }))).toMatchObject({ status: 403, code: "forbidden" });
        expect(await errorOf(await postJson(server.url, "/api/v1/realtime/broadcast", admin.auth, { message: "" }))).toMatchObject({ status: 400 });
        expect(await errorOf(await postJson(server.url, "/api/v1/realtime/broadcast", admin.auth, { message: "x", link: "https://evil.example" }))).toMatchObject({ status: 400 });
        expect(await errorOf(await postJson(server.url, "/api/v1/realtime/broadcast", admin.auth, { message: "x", topic: "monitoring" }))).toMatchObject({ status: 403, code: "forbidden" });
        expect(await errorOf(await postJson(server.url, "/api/v1/realtime/broadcast", admin.auth, { message: "x", topic: "nonsense" }))).toMatchObject({ status: 404, code: "unknown_topic" });

        const sent = await postJson(server.url, "/api/v1/realtime/broadcast", admin.auth, { message: "Maintenance at 18:00", priority: "high", link: "/monitoring" });
        expect(sent.status).toBe(200);
        expect(await sent.json()).toMatchObject({ to: "everyone", delivered: 2 });
        const note = JSON.parse((await conn.next("data")).data) as Envelope<{ kind: string; notification: Record<string, unknown>; unreadCount: number }>;
        expect(note).toMatchObject({ topic: "notifications", data: { kind: "created", notification: { body: "Maintenance at 18:00", priority: "high", link: "/monitoring", read: false } } });
        expect(note.data.unreadCount).toBeGreaterThanOrEqual(1);
        const history = (await (await fetch(`${server.url}/api/v1/notifications?limit=5`, { headers: authHeaders(demo.auth) })).json()) as { notifications: Array<{ body: string }> };
        expect(JSON.stringify(history)).toContain("Maintenance at 18:00");

        const onTopic = await postJson(server.url, "/api/v1/realtime/broadcast", admin.auth, { message: "Desk closes early", topic: "ext.announcements" });
        expect(await onTopic.json()).toMatchObject({ to: "topic", topic: "ext.announcements", seq: 1 });
        const announced = JSON.parse((await conn.next("data")).data) as Envelope<Record<string, unknown>>;
        expect(announced).toMatchObject({ topic: "ext.announcements", data: { message: "Desk closes early", from: { name: "Admin" } } });
      } finally {
        conn.close();
      }
    });

    it("serves stats to admins only", async () => {
      const s = await stats(server.url, admin.auth);
      expect(s.messagesIn).toBeGreaterThan(0);
      expect(s).toMatchObject({ coalesced: expect.any(Number), resynced: expect.any(Number), sinks: expect.any(Number) });
      expect(s.errors.publish_rate).toBeGreaterThanOrEqual(1);
      expect(await errorOf(await fetch(`${server.url}/api/v1/realtime/stats`, { headers: authHeaders(demo.auth) }))).toMatchObject({ status: 403 });
      expect(await errorOf(await fetch(`${server.url}/api/v1/realtime/stats`))).toMatchObject({ status: 401 });
    });

    it("serves Prometheus text at /metrics", async () => {
      const res = await fetch(`${server.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/plain");
      const text = await res.text();
      expect(text).toMatch(/^# HELP switchback_messages_published_total /m);
      expect(text).toMatch(/^switchback_messages_published_total \d+/m);
      expect(text).toContain("switchback_process_");
    });

    it("keeps the producer key usable for reading nothing", async () => {
      const res = await fetch(`${server.url}/api/v1/realtime/batch?topics=ext.order`, { headers: authHeaders(producer) });
      expect(await errorOf(res)).toMatchObject({ status: 403, code: "forbidden" });
      expect(producerKeyId).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
});
