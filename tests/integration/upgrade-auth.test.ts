import type { IncomingMessage } from "node:http";
import { eq } from "drizzle-orm";
import { encode } from "next-auth/jwt";
import { beforeAll, describe, expect, it } from "vitest";
import { authenticateUpgrade, parseCookieHeader, sessionTokenFromCookies } from "@/lib/auth/upgrade-auth";
import { createUser } from "@/lib/db/queries";
import { users, type User } from "@/lib/db/schema";
import { DRIVERS, useTestDatabase } from "../helpers/db";
import { TEST_AUTH_SECRET } from "../helpers/env";

function upgradeRequest(opts: { url?: string; cookie?: string; authorization?: string }): IncomingMessage {
  const headers: Record<string, string> = {};
  if (opts.cookie !== undefined) headers.cookie = opts.cookie;
  if (opts.authorization !== undefined) headers.authorization = opts.authorization;
  return { url: opts.url ?? "/api/v1/ws", headers } as unknown as IncomingMessage;
}

function sessionToken(user: Pick<User, "id" | "email" | "name" | "role">, secret = TEST_AUTH_SECRET): Promise<string> {
  return encode({ token: { sub: user.id, email: user.email, name: user.name, role: user.role }, secret });
}

describe("session cookie parsing", () => {
  it("parses a Cookie header, decoding values and skipping junk", () => {
    const jar = parseCookieHeader("a=1; b=hello%20world;junk; c = spaced ");
    expect(jar.get("a")).toBe("1");
    expect(jar.get("b")).toBe("hello world");
    expect(jar.get("c")).toBe("spaced");
    expect(jar.has("junk")).toBe(false);
    expect(jar.size).toBe(3);
    expect(parseCookieHeader(undefined).size).toBe(0);
  });

  it("keeps a value that is not valid percent-encoding as it is", () => {
    expect(parseCookieHeader("x=100%").get("x")).toBe("100%");
  });

  it("finds the plain and the __Secure- session cookie", () => {
    expect(sessionTokenFromCookies(parseCookieHeader("other=1; next-auth.session-token=abc"))).toBe("abc");
    expect(sessionTokenFromCookies(parseCookieHeader("__Secure-next-auth.session-token=sec"))).toBe("sec");
    expect(sessionTokenFromCookies(parseCookieHeader("next-auth.csrf-token=zzz"))).toBeUndefined();
  });

  it("joins next-auth's chunked .0/.1/… cookies in order", () => {
    const jar = parseCookieHeader("next-auth.session-token.1=BBB; x=y; next-auth.session-token.0=AAA; next-auth.session-token.2=CC");
    expect(sessionTokenFromCookies(jar)).toBe("AAABBBCC");
  });
});

describe.each(DRIVERS)("authenticateUpgrade on %s", (driver) => {
  const testDb = useTestDatabase(driver);
  let alice: User;
  let bob: User;

  beforeAll(async () => {
    alice = await createUser({ email: "alice@example.com", name: "Alice", passwordHash: "x", role: "admin" });
    bob = await createUser({ email: "bob@example.com", name: "Bob", passwordHash: "x", role: "user" });
  });

  it("accepts a session cookie made by next-auth's encode", async () => {
    const token = await sessionToken(alice);
    const result = await authenticateUpgrade(upgradeRequest({ cookie: `next-auth.session-token=${token}` }));
    expect(result).toEqual({ ok: true, user: { id: alice.id, email: "alice@example.com", name: "Alice", role: "admin" } });
  });

  it("accepts the token split across .0/.1 cookies", async () => {
    const token = await sessionToken(bob);
    const half = Math.floor(token.length / 2);
    const cookie = `next-auth.session-token.0=${token.slice(0, half)}; theme=dark; next-auth.session-token.1=${token.slice(half)}`;
    const result = await authenticateUpgrade(upgradeRequest({ cookie }));
    expect(result).toMatchObject({ ok: true, user: { id: bob.id, role: "user" } });
  });

  it("accepts ?access_token= and Authorization: Bearer", async () => {
    const token = await sessionToken(bob);
    expect(await authenticateUpgrade(upgradeRequest({ url: `/api/v1/ws?access_token=${encodeURIComponent(token)}` }))).toMatchObject({
      ok: true,
      user: { id: bob.id },
    });
    expect(await authenticateUpgrade(upgradeRequest({ authorization: `Bearer ${token}` }))).toMatchObject({ ok: true, user: { id: bob.id } });
  });

  it("takes the role from the database, not from the token", async () => {
    const forged = await encode({ token: { sub: bob.id, role: "admin" }, secret: TEST_AUTH_SECRET });
    const result = await authenticateUpgrade(upgradeRequest({ cookie: `next-auth.session-token=${forged}` }));
    expect(result).toMatchObject({ ok: true, user: { role: "user" } });
  });

  it("refuses no token, a garbage token and a token signed with another secret", async () => {
    expect(await authenticateUpgrade(upgradeRequest({}))).toEqual({ ok: false, reason: "unauthenticated" });
    expect(await authenticateUpgrade(upgradeRequest({ cookie: "next-auth.session-token=garbage.not.a.jwt" }))).toEqual({
      ok: false,
      reason: "unauthenticated",
    });
    const foreign = await sessionToken(alice, "some-other-secret-0123456789abcdef");
    expect(await authenticateUpgrade(upgradeRequest({ cookie: `next-auth.session-token=${foreign}` }))).toEqual({
      ok: false,
      reason: "unauthenticated",
    });
  });

  it("refuses a token whose user no longer exists", async () => {
    const ghost = await createUser({ email: "ghost@example.com", name: "Ghost", passwordHash: "x", role: "user" });
    const token = await sessionToken(ghost);
    await testDb().database.db.delete(users).where(eq(users.id, ghost.id));
    expect(await authenticateUpgrade(upgradeRequest({ cookie: `next-auth.session-token=${token}` }))).toEqual({
      ok: false,
      reason: "unauthenticated",
    });
  });

  it("refuses a disabled user with reason 'disabled'", async () => {
    const carol = await createUser({ email: "carol@example.com", name: "Carol", passwordHash: "x", role: "user" });
    const token = await sessionToken(carol);
    expect((await authenticateUpgrade(upgradeRequest({ cookie: `next-auth.session-token=${token}` }))).ok).toBe(true);
    await testDb().database.db.update(users).set({ disabled: true }).where(eq(users.id, carol.id));
    expect(await authenticateUpgrade(upgradeRequest({ cookie: `next-auth.session-token=${token}` }))).toEqual({
      ok: false,
      reason: "disabled",
    });
  });
});
