import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCursorToken } from "@/lib/realtime/cursor-token";
import type { Envelope } from "@/lib/realtime/envelope";
import { ADMIN, DEMO, authHeaders, createApiKey, errorOf, publishBatch, publishOne, session, type Auth, type Session } from "../helpers/api";
import { startServer, type RunningServer } from "../helpers/server";

interface BatchTopic {
  epoch: string;
  seq: number;
  recovered: boolean;
  messages: Envelope<{ i: number }>[];
  error?: { code: string; message: string };
}
interface BatchBody {
  since: string;
  serverTime: number;
  topics: Record<string, BatchTopic>;
  settings: { mode: string; pollingIntervalMs: number };
}

describe("polling and the per-resource REST endpoints against the production server", () => {
  let server: RunningServer;
  let admin: Session;
  let demo: Session;
  let producer: Auth;

  // null: no credentials at all.
  const get = (path: string, auth: Auth | null = demo.auth, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, { headers: authHeaders(auth ?? undefined, headers) });
  const poll = async (topics: string, since?: string, headers: Record<string, string> = {}) => {
    const res = await get(`/api/v1/realtime/batch?topics=${topics}${since ? `&since=${since}` : ""}`, demo.auth, headers);
    return { res, body: res.status === 200 ? ((await res.json()) as BatchBody) : undefined };
  };

  beforeAll(async () => {
    server = await startServer({ env: { PRODUCERS: "off" } });
    admin = await session(server.url, ADMIN);
    demo = await session(server.url, DEMO);
    producer = { bearer: (await createApiKey(server.url, admin.auth)).secret };
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it("refuses bad requests with the contract's JSON errors", async () => {
    const cases: Array<[string, Auth | null, number, string]> = [
      ["/api/v1/realtime/batch?topics=ext.a", null, 401, "unauthenticated"],
      ["/api/v1/realtime/batch", demo.auth, 400, "bad_request"],
      ["/api/v1/realtime/batch?topics=ext.a&since=bm90LWEtdG9rZW4", demo.auth, 400, "bad_request"],
      ["/api/v1/realtime/batch?topics=admin.ops", demo.auth, 403, "forbidden"],
      ["/api/v1/realtime/batch?topics=admin.ops,nope_nope", demo.auth, 403, "forbidden"],
      ["/api/v1/realtime/batch?topics=nope_nope", demo.auth, 404, "unknown_topic"],
      ["/api/v1/realtime/batch?topics=ext.a", producer, 403, "forbidden"],
      ["/api/v1/signals?limit=0", demo.auth, 400, "bad_request"],
      ["/api/v1/signals?limit=1001", demo.auth, 400, "bad_request"],
      ["/api/v1/signals?last_id=-1", demo.auth, 400, "bad_request"],
      ["/api/v1/monitoring/system", null, 401, "unauthenticated"],
      ["/api/v1/signals", null, 401, "unauthenticated"],
    ];
    for (const [path, auth, status, code] of cases) {
      expect({ path, ...(await errorOf(await get(path, auth))) }).toMatchObject({ path, status, code });
    }
  });

  it("answers a refused topic with an error object beside the others, and carries the user's settings", async () => {
    const { res, body } = await poll("ext.mixed,admin.ops,nope_nope");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(body!.topics["ext.mixed"]).toMatchObject({ seq: 0, recovered: false, messages: [] });
    expect(body!.topics["admin.ops"]!.error).toMatchObject({ code: "forbidden" });
    expect(body!.topics.nope_nope!.error).toMatchObject({ code: "unknown_topic" });
    expect(body!.settings).toEqual({ mode: "auto", pollingIntervalMs: 5000 });
    expect(typeof body!.serverTime).toBe("number");
  });

  it("delivers 1,000 messages published while polling, complete and in order", async () => {
    let { body } = await poll("ext.poll1k,system_status");
    const publishing = (async () => {
      for (let b = 0; b < 20; b++) {
        await publishBatch(server.url, producer, Array.from({ length: 50 }, (_, k) => ({ topic: "ext.poll1k", data: { i: b * 50 + k } })));
      }
    })();
    const got: Envelope<{ i: number }>[] = [];
    const deadline = Date.now() + 20_000;
    while (got.length < 1000 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
      const next = await poll("ext.poll1k,system_status", body!.since);
      expect(next.res.status).toBe(200);
      expect(next.body!.topics["ext.poll1k"]!.recovered).toBe(true);
      got.push(...next.body!.topics["ext.poll1k"]!.messages);
      body = next.body;
    }
    await publishing;
    expect(got.map((m) => m.data.i)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(got.map((m) => m.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  });

  it("resumes from a since token after a pause: no gap, no duplicate", async () => {
    await publishBatch(server.url, producer, Array.from({ length: 30 }, (_, i) => ({ topic: `ext.pr_${i % 2}`, data: { i } })));
    const first = (await poll("ext.pr_0,ext.pr_1")).body!;
    const firstSeen = [...first.topics["ext.pr_0"]!.messages, ...first.topics["ext.pr_1"]!.messages];
    expect(firstSeen).toHaveLength(30);
    // The client goes away; more is published; it comes back with its token.
    await publishBatch(server.url, producer, Array.from({ length: 30 }, (_, i) => ({ topic: `ext.pr_${i % 2}`, data: { i: 30 + i } })));
    const second = (await poll("ext.pr_0,ext.pr_1", first.since)).body!;
    for (const t of ["ext.pr_0", "ext.pr_1"]) {
      expect(second.topics[t]!.recovered).toBe(true);
      expect(second.topics[t]!.messages.map((m) => m.seq)).toEqual(Array.from({ length: 15 }, (_, i) => 16 + i));
    }
    const all = [...firstSeen, ...second.topics["ext.pr_0"]!.messages, ...second.topics["ext.pr_1"]!.messages].map((m) => m.data.i);
    expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i));
  });

  it("answers 304 to If-None-Match while no topic moved, and 200 with the news once one did", async () => {
    await publishOne(server.url, producer, "ext.etag", { i: 0 });
    const first = await poll("ext.etag,system_status");
    const etag = first.res.headers.get("etag")!;
    expect(etag).toMatch(/^W\/".+"$/);

    const again = await poll("ext.etag,system_status", first.body!.since, { "if-none-match": etag });
    expect(again.res.status).toBe(304);
    expect(again.res.headers.get("etag")).toBe(etag);
    expect(await again.res.text()).toBe("");

    // A stale since with the current ETag still gets the messages it lacks.
    const stale = await poll("ext.etag,system_status", undefined, { "if-none-match": etag });
    expect(stale.res.status).toBe(200);

    await publishOne(server.url, producer, "system_status", { i: 1 });
    const moved = await poll("ext.etag,system_status", first.body!.since, { "if-none-match": etag });
    expect(moved.res.status).toBe(200);
    expect(moved.res.headers.get("etag")).not.toBe(etag);
    expect(moved.body!.topics.system_status!.messages.map((m) => m.data)).toEqual([{ i: 1 }]);
    expect(moved.body!.topics["ext.etag"]!.messages).toEqual([]);
  });

  it("serves the state resources with ETag/304, and a sensible empty answer before anything is published", async () => {
    for (const [path, topic] of [
      ["/api/v1/monitoring/system", "monitoring"],
      ["/api/v1/strategies/overview", "strategies"],
      ["/api/v1/system/capacity", "capacity"],
    ] as const) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body, path).toMatchObject({ topic, seq: 0, ts: null, data: null });
      const etag = res.headers.get("etag")!;
      expect(etag, path).toMatch(/^W\/".+"$/);
      const cached = await get(path, demo.auth, { "if-none-match": etag });
      expect(cached.status, path).toBe(304);
      const other = await get(path, demo.auth, { "if-none-match": 'W/"something-else"' });
      expect(other.status, path).toBe(200);
    }
  });

  it("treats a since token from another epoch as a gap (recovered: false), on polling as on SSE", async () => {
    await publishOne(server.url, producer, "ext.epoch", { i: 0 });
    const token = encodeCursorToken({ "ext.epoch": { epoch: "old-epoch", seq: 99 } });
    const { body } = await poll("ext.epoch", token);
    expect(body!.topics["ext.epoch"]).toMatchObject({ recovered: false, seq: 1 });
    expect(body!.topics["ext.epoch"]!.messages.map((m) => m.data.i)).toEqual([0]);
  });
});
