import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { encode } from "next-auth/jwt";
import { beforeAll, describe, expect, it } from "vitest";
import { authenticateRequest, authorizeRequest, type Access } from "@/lib/auth/request-auth";
import { LAST_USED_RESOLUTION_MS, createApiKey, listApiKeys, revokeApiKey, verifyApiKey } from "@/lib/db/api-keys";
import { createUser } from "@/lib/db/queries";
import { apiKeys, auditLog, users, type User } from "@/lib/db/schema";
import { DRIVERS, useTestDatabase } from "../helpers/db";
import { TEST_AUTH_SECRET } from "../helpers/env";

const jwtFor = (u: User) => encode({ token: { sub: u.id, email: u.email, name: u.name, role: u.role }, secret: TEST_AUTH_SECRET });
const request = (headers: Record<string, string>) => new Request("http://test.invalid/api/v1/x", { headers });

describe.each(DRIVERS)("API keys and request auth on %s", (driver) => {
  const testDb = useTestDatabase(driver);
  let admin: User;
  let user: User;

  beforeAll(async () => {
    admin = await createUser({ email: "root@example.com", name: "Root", passwordHash: "x", role: "admin" });
    user = await createUser({ email: "dora@example.com", name: "Dora", passwordHash: "x", role: "user" });
  });

  it("stores only a SHA-256 of the key, shows the plaintext once, and audits the creation", async () => {
    const { key, plaintext } = await createApiKey({ name: "feed", ownerId: admin.id });
    expect(plaintext).toMatch(/^sbk_[A-Za-z0-9_-]{43}$/);
    expect(key.prefix).toBe(plaintext.slice(0, 12));
    const [row] = await testDb().database.db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
    expect(row!.keyHash).toBe(crypto.createHash("sha256").update(plaintext).digest("hex"));
    const listed = (await listApiKeys()).find((k) => k.id === key.id)!;
    expect(listed).not.toHaveProperty("keyHash");
    const audit = await testDb().database.db.select().from(auditLog).where(eq(auditLog.targetId, key.id));
    expect(audit.map((a) => a.action)).toEqual(["api_key.create"]);
  });

  it("verifies a key and notes its use at most once a minute", async () => {
    const { key, plaintext } = await createApiKey({ name: "clock", ownerId: admin.id });
    const t0 = new Date("2030-01-01T00:00:00Z");
    expect((await verifyApiKey(plaintext, t0))!.key.lastUsedAt).toEqual(t0);
    await verifyApiKey(plaintext, new Date(t0.getTime() + LAST_USED_RESOLUTION_MS - 1));
    const stored = async () => (await listApiKeys()).find((k) => k.id === key.id)!.lastUsedAt;
    expect(await stored()).toEqual(t0);
    const later = new Date(t0.getTime() + LAST_USED_RESOLUTION_MS);
    await verifyApiKey(plaintext, later);
    expect(await stored()).toEqual(later);
    expect(await verifyApiKey(`${plaintext}x`)).toBeUndefined();
    expect(await verifyApiKey("not-a-key")).toBeUndefined();
  });

  it("refuses a revoked key; revoking again keeps the first time", async () => {
    const { key, plaintext } = await createApiKey({ name: "gone", ownerId: admin.id });
    const first = await revokeApiKey(key.id, admin.id);
    expect(first!.revokedAt).toBeInstanceOf(Date);
    expect(await verifyApiKey(plaintext)).toBeUndefined();
    expect((await revokeApiKey(key.id, admin.id))!.revokedAt).toEqual(first!.revokedAt);
    expect(await revokeApiKey(crypto.randomUUID(), admin.id)).toBeUndefined();
    const audit = await testDb().database.db.select().from(auditLog).where(eq(auditLog.targetId, key.id));
    expect(audit.map((a) => a.action).sort()).toEqual(["api_key.create", "api_key.revoke"]);
  });

  it("authenticates a session cookie, a Bearer session JWT and a Bearer API key", async () => {
    const jwt = await jwtFor(user);
    expect(await authenticateRequest(request({ cookie: `next-auth.session-token=${jwt}` }))).toEqual({
      ok: true,
      caller: { principal: { userId: user.id, role: "user" }, user: { id: user.id, email: user.email, name: "Dora", role: "user" } },
    });
    expect(await authenticateRequest(request({ authorization: `Bearer ${jwt}` }))).toMatchObject({ ok: true, caller: { user: { id: user.id } } });
    const { key, plaintext } = await createApiKey({ name: "bearer", ownerId: admin.id });
    expect(await authenticateRequest(request({ authorization: `Bearer ${plaintext}` }))).toMatchObject({
      ok: true,
      caller: { principal: { userId: admin.id, role: "admin", apiKey: true }, apiKeyId: key.id },
    });
  });

  it("refuses missing or bad credentials, and disabled users and their keys", async () => {
    expect(await authenticateRequest(request({}))).toEqual({ ok: false, reason: "unauthenticated" });
    expect(await authenticateRequest(request({ authorization: "Bearer garbage" }))).toEqual({ ok: false, reason: "unauthenticated" });
    expect(await authenticateRequest(request({ authorization: "Bearer sbk_nope" }))).toEqual({ ok: false, reason: "unauthenticated" });
    const eve = await createUser({ email: "eve@example.com", name: "Eve", passwordHash: "x", role: "admin" });
    const jwt = await jwtFor(eve);
    const { plaintext } = await createApiKey({ name: "eve's", ownerId: eve.id });
    await testDb().database.db.update(users).set({ disabled: true }).where(eq(users.id, eve.id));
    expect(await authenticateRequest(request({ cookie: `next-auth.session-token=${jwt}` }))).toEqual({ ok: false, reason: "disabled" });
    expect(await authenticateRequest(request({ authorization: `Bearer ${plaintext}` }))).toEqual({ ok: false, reason: "disabled" });
    const refused = await authorizeRequest(request({ authorization: `Bearer ${plaintext}` }), "publisher");
    expect(refused.error?.status).toBe(403);
  });

  it("applies the access levels: readers are users, admins are admin users, publishers are keys or admins", async () => {
    const { plaintext } = await createApiKey({ name: "levels", ownerId: admin.id });
    const callers = {
      user: { cookie: `next-auth.session-token=${await jwtFor(user)}` },
      admin: { cookie: `next-auth.session-token=${await jwtFor(admin)}` },
      key: { authorization: `Bearer ${plaintext}` },
    };
    const expected: Record<Access, Record<keyof typeof callers, number>> = {
      reader: { user: 200, admin: 200, key: 403 },
      admin: { user: 403, admin: 200, key: 403 },
      publisher: { user: 403, admin: 200, key: 200 },
    };
    for (const [access, byCaller] of Object.entries(expected) as Array<[Access, Record<keyof typeof callers, number>]>) {
      for (const [who, status] of Object.entries(byCaller) as Array<[keyof typeof callers, number]>) {
        const result = await authorizeRequest(request(callers[who]), access);
        expect({ access, who, status: result.error?.status ?? 200 }).toEqual({ access, who, status });
      }
    }
  });
});
