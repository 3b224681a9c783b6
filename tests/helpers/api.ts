import { expect } from "vitest";
import { CookieJar, signIn } from "./server";

/**
 * Calls against a running server as the seeded users or an API key, for the realtime HTTP
 * tests: sign-in, API keys, publishing, stats.
 */
export const ADMIN = { email: "admin@switchback.local", password: "switchback-admin" };
export const DEMO = { email: "demo@switchback.local", password: "switchback-demo" };

/** Headers that authenticate a request: a signed-in jar's cookie, or a Bearer token (API key or session JWT). */
export type Auth = { cookie: string } | { bearer: string };

export function authHeaders(auth: Auth | undefined, extra: Record<string, string> = {}): Record<string, string> {
  if (!auth) return extra;
  return "cookie" in auth ? { cookie: auth.cookie, ...extra } : { authorization: `Bearer ${auth.bearer}`, ...extra };
}

export interface Session {
  jar: CookieJar;
  auth: Auth;
  /** The session JWT, usable as `Authorization: Bearer`. */
  token: string;
}

export async function session(base: string, who: { email: string; password: string }): Promise<Session> {
  const { jar, error } = await signIn(base, who.email, who.password);
  if (error) throw new Error(`sign-in failed for ${who.email}: ${error}`);
  const token = jar.get("next-auth.session-token");
  if (!token) throw new Error("no session cookie");
  return { jar, auth: { cookie: jar.header() }, token };
}

export async function createApiKey(base: string, admin: Auth, name = "test producer"): Promise<{ id: string; secret: string }> {
  const res = await fetch(`${base}/api/v1/admin/api-keys`, {
    method: "POST",
    headers: authHeaders(admin, { "content-type": "application/json" }),
    body: JSON.stringify({ name }),
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { key: { id: string }; secret: string };
  return { id: body.key.id, secret: body.secret };
}

export function postJson(base: string, path: string, auth: Auth | undefined, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${base}${path}`, {
    method: "POST",
    headers: authHeaders(auth, { "content-type": "application/json", ...headers }),
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export interface Published {
  topic: string;
  epoch: string;
  seq: number;
}

/** Publishes `{messages}` and expects success. */
export async function publishBatch(base: string, auth: Auth, messages: Array<{ topic: string; data: unknown }>): Promise<Published[]> {
  const res = await postJson(base, "/api/v1/publish", auth, { messages });
  if (res.status !== 200) throw new Error(`publish answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { results: Published[] }).results;
}

export async function publishOne(base: string, auth: Auth, topic: string, data: unknown): Promise<Published> {
  const res = await postJson(base, "/api/v1/publish", auth, { topic, data });
  if (res.status !== 200) throw new Error(`publish answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as Published;
}

export interface Stats {
  connections: Record<string, number>;
  subscriptions: Record<string, number>;
  messagesIn: number;
  messagesOut: Record<string, number>;
  coalesced: number;
  resynced: number;
  errors: Record<string, number>;
  sinks: number;
}

export async function stats(base: string, admin: Auth): Promise<Stats> {
  const res = await fetch(`${base}/api/v1/realtime/stats`, { headers: authHeaders(admin) });
  expect(res.status).toBe(200);
  return (await res.json()) as Stats;
}

export async function errorOf(res: Response): Promise<{ status: number; code: string; message: string }> {
  expect(res.headers.get("content-type")).toContain("application/json");
  const body = (await res.json()) as { error?: { code: string; message: string } };
  // Not an error body: show what came instead.
  if (!body.error) return { status: res.status, code: "(none)", message: JSON.stringify(body).slice(0, 300) };
  return { status: res.status, code: body.error.code, message: body.error.message };
}

/** Polls `check` until it stops throwing, or rethrows its last failure after `timeoutMs`. */
export async function eventually(check: () => Promise<void>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
