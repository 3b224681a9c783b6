import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, DEMO, authHeaders, errorOf, eventually, postJson, session, type Auth, type Session } from "../helpers/api";
import { startServer, type RunningServer } from "../helpers/server";
import { SseConnection } from "../helpers/sse-client";
import { connect, type WsTestClient } from "../helpers/ws-client";

/**
 * The admin console's APIs on the real server (production build, real sign-in, real sockets):
 * users, their settings and accounts, the audit log, and the link reports of browsers.
 */

interface Settings {
  mode: string;
  pollingIntervalMs: number;
  locked: boolean;
}
interface AdminUser {
  id: string;
  email: string;
  role: string;
  disabled: boolean;
  settings: Settings;
  live: { connections: number; transports: string[] };
}
interface AuditEntry {
  id: number;
  action: string;
  actor: { email: string } | null;
  targetId: string;
  targetUser: { email: string } | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

describe("admin APIs", () => {
  let server: RunningServer;
  let admin: Session;
  let demo: Session;
  let wsUrl: string;

  const call = (auth: Auth | undefined, method: string, path: string, body?: unknown) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: authHeaders(auth, body === undefined ? {} : { "content-type": "application/json" }),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const json = async <T>(res: Response, status = 200): Promise<T> => {
    expect(res.status, await res.clone().text()).toBe(status);
    return (await res.json()) as T;
  };
  const getUser = async (id: string) => (await json<{ user: AdminUser }>(await call(admin.auth, "GET", `/api/v1/admin/users/${id}`))).user;
  const audit = async (limit = 200) => (await json<{ entries: AuditEntry[] }>(await call(admin.auth, "GET", `/api/v1/admin/audit?limit=${limit}`))).entries;

  /** A fresh user of our own (the seeded ones are shared), signed in. */
  async function newUser(label: string): Promise<{ user: AdminUser; session: Session; password: string }> {
    const email = `${label}-${crypto.randomBytes(4).toString("hex")}@example.com`;
    const password = "correct-horse-battery";
    const { user } = await json<{ user: AdminUser }>(await postJson(server.url, "/api/v1/admin/users", admin.auth, { email, name: label, password }), 201);
    return { user, session: await session(server.url, { email, password }), password };
  }
  const openSocket = (s: Session): Promise<WsTestClient> => connect(wsUrl, { origin: server.url, headers: { cookie: s.jar.header() } });

  beforeAll(async () => {
    server = await startServer();
    wsUrl = `${server.url.replace(/^http/, "ws")}/api/v1/ws`;
    [admin, demo] = await Promise.all([session(server.url, ADMIN), session(server.url, DEMO)]);
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it("answers 403 to a non-admin on every admin API, 401 when signed out, and changes nothing", async () => {
    const { user } = await newUser("target");
    const before = await getUser(user.id);
    const auditBefore = (await audit()).length;
    const attempts: Array<[string, string, unknown?]> = [
      ["GET", "/api/v1/admin/users"],
      ["POST", "/api/v1/admin/users", { email: "x@example.com", name: "X", password: "long-enough-pw" }],
      ["GET", `/api/v1/admin/users/${user.id}`],
      ["PUT", `/api/v1/admin/users/${user.id}/settings`, { mode: "polling", locked: true }],
      ["PATCH", `/api/v1/admin/users/${user.id}`, { disabled: true }],
      ["GET", "/api/v1/admin/audit"],
    ];
    for (const [method, path, body] of attempts) {
      expect(await errorOf(await call(demo.auth, method, path, body)), `${method} ${path}`).toMatchObject({ status: 403, code: "forbidden" });
      expect(await errorOf(await call(undefined, method, path, body)), `${method} ${path} signed out`).toMatchObject({ status: 401 });
    }
    expect(await getUser(user.id)).toEqual(before);
    expect((await audit()).length).toBe(auditBefore);
  });

  it("refuses invalid settings with a clear message, and nothing changes", async () => {
    const { user } = await newUser("invalid");
    const before = await getUser(user.id);
    const auditBefore = (await audit()).length;
    const put = (body: unknown) => call(admin.auth, "PUT", `/api/v1/admin/users/${user.id}/settings`, body);
    const cases: Array<[unknown, RegExp]> = [
      [{ mode: "carrier-pigeon" }, /mode must be one of auto, websocket, sse, polling/],
      [{ pollingIntervalMs: 1 }, /pollingIntervalMs must be at least 3000/],
      [{ pollingIntervalMs: 600_000 }, /pollingIntervalMs must be at most 30000/],
      [{ pollingIntervalMs: "5000" }, /pollingIntervalMs must be a number/],
      [{ locked: "yes" }, /locked must be true or false/],
      [{}, /Send mode, pollingIntervalMs, locked/],
      [{ mode: "sse", colour: "red" }, /colour/],
    ];
    for (const [body, message] of cases) {
      const err = await errorOf(await put(body));
      expect(err, JSON.stringify(body)).toMatchObject({ status: 400, code: "bad_request" });
      expect(err.message).toMatch(message);
    }
    // The user's own endpoint says the same.
    const own = await errorOf(await call(demo.auth, "PUT", "/api/v1/me/settings", { mode: "carrier-pigeon" }));
    expect(own).toMatchObject({ status: 400, code: "bad_request" });
    expect(own.message).toMatch(/mode must be one of/);

    expect(await getUser(user.id)).toEqual(before);
    expect((await audit()).length).toBe(auditBefore);

    const unknown = crypto.randomUUID();
    expect(await errorOf(await call(admin.auth, "PUT", `/api/v1/admin/users/${unknown}/settings`, { mode: "sse" }))).toMatchObject({ status: 404, code: "not_found" });
    expect(await errorOf(await call(admin.auth, "PATCH", `/api/v1/admin/users/${unknown}`, { disabled: true }))).toMatchObject({ status: 404, code: "not_found" });
    expect(await errorOf(await call(admin.auth, "GET", "/api/v1/admin/users/not-a-uuid"))).toMatchObject({ status: 404 });
  });

  it("an admin's settings change reaches the user's open socket, is audited, and a lock refuses the user's own change", async () => {
    const { user, session: own } = await newUser("locked");
    const socket = await openSocket(own);
    await socket.waitType("welcome");

    const res = await call(admin.auth, "PUT", `/api/v1/admin/users/${user.id}/settings`, { mode: "sse", pollingIntervalMs: 10_000, locked: true });
    expect((await json<{ settings: Settings }>(res)).settings).toEqual({ mode: "sse", pollingIntervalMs: 10_000, locked: true });
    // Pushed at once; SSE-only mode no longer allows this WebSocket.
    expect(await socket.waitType("settings")).toMatchObject({ mode: "sse", pollingIntervalMs: 10_000 });
    expect((await socket.closed).code).toBe(4409);

    const [entry] = await audit(1);
    expect(entry).toMatchObject({
      action: "realtime_settings.update",
      actor: { email: ADMIN.email },
      targetId: user.id,
      targetUser: { email: user.email },
      before: { mode: "auto", pollingIntervalMs: 5_000, locked: false },
      after: { mode: "sse", pollingIntervalMs: 10_000, locked: true },
    });

    // Locked: the user's own change is refused and nothing moves.
    const refused = await errorOf(await call(own.auth, "PUT", "/api/v1/me/settings", { mode: "auto" }));
    expect(refused).toMatchObject({ status: 403, code: "forbidden" });
    expect(refused.message).toMatch(/locked/);
    expect(await json<Settings>(await call(own.auth, "GET", "/api/v1/me/settings"))).toEqual({ mode: "sse", pollingIntervalMs: 10_000, locked: true });

    // Unlocked, the user may change it again.
    await json(await call(admin.auth, "PUT", `/api/v1/admin/users/${user.id}/settings`, { locked: false }));
    expect(await json<Settings>(await call(own.auth, "PUT", "/api/v1/me/settings", { mode: "auto" }))).toMatchObject({ mode: "auto", locked: false });
  });

  it("disabling closes a live WebSocket with 4403, ends SSE, refuses new links; enabling lets them back; both audited", async () => {
    const { user, session: own } = await newUser("disabled");
    const socket = await openSocket(own);
    await socket.waitType("welcome");
    const sse = await SseConnection.open(`${server.url}/api/v1/sse?topics=system_status`, { headers: { cookie: own.jar.header() } });
    await sse.next("subscribed");
    await eventually(async () => expect((await getUser(user.id)).live).toMatchObject({ connections: 2, transports: ["websocket", "sse"] }));

    const res = await call(admin.auth, "PATCH", `/api/v1/admin/users/${user.id}`, { disabled: true });
    expect((await json<{ user: AdminUser }>(res)).user).toMatchObject({ disabled: true });
    expect(await socket.closed).toMatchObject({ code: 4403 });
    await sse.closedByServer();

    const again = await openSocket(own);
    expect((await again.closed).code).toBe(4403);
    expect(await errorOf(await call(own.auth, "GET", "/api/v1/me/settings"))).toMatchObject({ status: 401 });
    await eventually(async () => expect((await getUser(user.id)).live.connections).toBe(0));

    await json(await call(admin.auth, "PATCH", `/api/v1/admin/users/${user.id}`, { disabled: false }));
    const back = await openSocket(own);
    await back.waitType("welcome");
    await back.close();

    const [enabled, disabled] = await audit(2);
    expect(disabled).toMatchObject({ action: "user.update", actor: { email: ADMIN.email }, targetId: user.id, before: { disabled: false }, after: { disabled: true } });
    expect(enabled).toMatchObject({ action: "user.update", before: { disabled: true }, after: { disabled: false } });
  });

  it("changes a role (audited), and an admin can neither disable nor demote themselves (409)", async () => {
    const { user } = await newUser("promoted");
    await json(await call(admin.auth, "PATCH", `/api/v1/admin/users/${user.id}`, { role: "admin" }));
    expect((await getUser(user.id)).role).toBe("admin");
    expect((await audit(1))[0]).toMatchObject({ action: "user.update", before: { role: "user" }, after: { role: "admin" } });

    const me = (await json<{ users: AdminUser[] }>(await call(admin.auth, "GET", `/api/v1/admin/users?query=${encodeURIComponent(ADMIN.email)}`))).users[0]!;
    expect(await errorOf(await call(admin.auth, "PATCH", `/api/v1/admin/users/${me.id}`, { disabled: true }))).toMatchObject({ status: 409, code: "conflict" });
    expect(await errorOf(await call(admin.auth, "PATCH", `/api/v1/admin/users/${me.id}`, { role: "user" }))).toMatchObject({ status: 409, code: "conflict" });
    expect(await getUser(me.id)).toMatchObject({ role: "admin", disabled: false });
    expect(await errorOf(await call(admin.auth, "PATCH", `/api/v1/admin/users/${user.id}`, { role: "root" }))).toMatchObject({ status: 400 });
    expect(await errorOf(await call(admin.auth, "PATCH", `/api/v1/admin/users/${user.id}`, {}))).toMatchObject({ status: 400 });
  });

  it("a demoted admin's open socket re-authenticates (4401) and then loses admin-only topics", async () => {
    const { user, session: s } = await newUser("demoted");
    await json(await call(admin.auth, "PATCH", `/api/v1/admin/users/${user.id}`, { role: "admin" }));
    const socket = await openSocket(s);
    await socket.waitFor((m) => m.type === "welcome");
    socket.send({ type: "subscribe", id: "a", topic: "admin.realtime" });
    await socket.waitFor((m) => m.type === "subscribed" && m.topic === "admin.realtime");

    await json(await call(admin.auth, "PATCH", `/api/v1/admin/users/${user.id}`, { role: "user" }));
    expect(await socket.closed).toMatchObject({ code: 4401 });
    const again = await openSocket(s);
    await again.waitFor((m) => m.type === "welcome");
    again.send({ type: "subscribe", id: "b", topic: "admin.realtime" });
    expect(await again.waitFor((m) => m.type === "error")).toMatchObject({ id: "b", code: "forbidden" });
    again.close();
  });

  it("searches and pages users, with settings and live links", async () => {
    const tag = `page${crypto.randomBytes(3).toString("hex")}`;
    const created: Array<Awaited<ReturnType<typeof newUser>>> = [];
    for (let i = 0; i < 3; i++) created.push(await newUser(`${tag}-${i}`));
    type Page = { users: AdminUser[]; page: number; pageSize: number; total: number };
    const list = async (qs: string) => json<Page>(await call(admin.auth, "GET", `/api/v1/admin/users?${qs}`));

    const all = await list(`query=${tag.toUpperCase()}&pageSize=2`);
    expect(all.total).toBe(3);
    expect(all.users).toHaveLength(2);
    const second = await list(`query=${tag}&pageSize=2&page=2`);
    expect(second.users).toHaveLength(1);
    expect(new Set([...all.users, ...second.users].map((u) => u.email))).toEqual(new Set(created.map((c) => c.user.email)));
    expect(second.users[0]).toMatchObject({ role: "user", disabled: false, settings: { mode: "auto", pollingIntervalMs: 5_000, locked: false }, live: { connections: 0, transports: [] } });

    // A search by name matches too; % and _ are literal.
    expect((await list(`query=${tag}-1`)).total).toBe(1);
    expect((await list("query=%25")).total).toBe(0);

    const socket = await openSocket(created[0]!.session);
    await socket.waitType("welcome");
    await eventually(async () => expect((await getUser(created[0]!.user.id)).live).toMatchObject({ connections: 1, transports: ["websocket"] }));
    await socket.close();

    expect(await errorOf(await call(admin.auth, "GET", "/api/v1/admin/users?pageSize=1000"))).toMatchObject({ status: 400 });
    expect(await errorOf(await call(admin.auth, "GET", "/api/v1/admin/users?page=0"))).toMatchObject({ status: 400 });
  });

  it("adds users (audited, argon2 password that signs in), refusing a taken email (409) and bad input (400)", async () => {
    const { user, password } = await newUser("added");
    expect((await audit(1))[0]).toMatchObject({ action: "user.create", actor: { email: ADMIN.email }, targetId: user.id, after: { email: user.email, role: "user" } });
    expect(JSON.stringify(await audit(1))).not.toContain(password);
    const taken = await errorOf(await postJson(server.url, "/api/v1/admin/users", admin.auth, { email: user.email.toUpperCase(), name: "Again", password }));
    expect(taken).toMatchObject({ status: 409, code: "conflict" });
    for (const body of [{ email: "not-an-email", name: "X", password }, { email: "short@example.com", name: "X", password: "short" }, { email: "n@example.com", name: "", password }]) {
      expect(await errorOf(await postJson(server.url, "/api/v1/admin/users", admin.auth, body)), JSON.stringify(body)).toMatchObject({ status: 400 });
    }
  });

  it("pages the audit log newest first", async () => {
    const entries = await audit(200);
    expect(entries.length).toBeGreaterThan(3);
    const first = await json<{ entries: AuditEntry[]; nextBefore: number | null }>(await call(admin.auth, "GET", "/api/v1/admin/audit?limit=2"));
    expect(first.entries.map((e) => e.id)).toEqual(entries.slice(0, 2).map((e) => e.id));
    const next = await json<{ entries: AuditEntry[] }>(await call(admin.auth, "GET", `/api/v1/admin/audit?limit=2&before=${first.nextBefore}`));
    expect(next.entries.map((e) => e.id)).toEqual(entries.slice(2, 4).map((e) => e.id));
    expect(await errorOf(await call(admin.auth, "GET", "/api/v1/admin/audit?limit=0"))).toMatchObject({ status: 400 });
  });

  it("counts browsers' fallback reports (validated, rate-limited per user) in the admin-only admin.realtime topic", async () => {
    const { session: reporter } = await newUser("reporter");
    const report = (body: unknown) => postJson(server.url, "/api/v1/realtime/client-events", reporter.auth, body);
    expect((await report({ kind: "fallback", from: "websocket", to: "sse", reason: "integration-test blocked" })).status).toBe(204);
    expect(await errorOf(await report({ kind: "fallback", from: "carrier-pigeon", to: "sse" }))).toMatchObject({ status: 400 });
    let limited: Response | undefined;
    for (let i = 0; i < 12 && !limited; i++) {
      const res = await report({ kind: "upgrade", from: "sse", to: "websocket", reason: "probe" });
      if (res.status === 429) limited = res;
    }
    expect(limited?.headers.get("retry-after")).toMatch(/^\d+$/);

    const denied = await openSocket(demo);
    expect(await denied.subscribe("admin.realtime")).toMatchObject({ type: "error", code: "forbidden" });
    await denied.close();

    const watcher = await openSocket(admin);
    await watcher.subscribe("admin.realtime");
    const state = await watcher.waitFor(
      (m) => m.type === "data" && m.topic === "admin.realtime" && JSON.stringify(m.data).includes("integration-test blocked"),
      15_000,
      "an ops sample with the reported reason",
    );
    const data = state.data as { latest: { connections: Record<string, number> }; websocket: { failed: number }; health: { status: string } };
    expect(data.latest.connections.websocket).toBeGreaterThanOrEqual(1);
    expect(data.websocket.failed).toBeGreaterThanOrEqual(1);
    expect(data.health.status).toBe("healthy");
    await watcher.close();
  });
});
