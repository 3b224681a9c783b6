import type { IncomingMessage } from "node:http";
import { decode } from "next-auth/jwt";
import { findUserById } from "../db/queries";
import { authSecret } from "./secret";
import { toSessionUser, type SessionUser } from "./session-user";

// Both names: next-auth picks the __Secure- one when the site is served over https.
const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

export function parseCookieHeader(header: string | undefined): Map<string, string> {
  const jar = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    try {
      jar.set(name, decodeURIComponent(value));
    } catch {
      jar.set(name, value);
    }
  }
  return jar;
}

/** The session JWT from the cookies, joining next-auth's chunked `.0`, `.1`, … cookies. */
export function sessionTokenFromCookies(jar: Map<string, string>): string | undefined {
  for (const name of SESSION_COOKIES) {
    const whole = jar.get(name);
    if (whole) return whole;
    const chunks: string[] = [];
    for (let i = 0; jar.has(`${name}.${i}`); i++) chunks.push(jar.get(`${name}.${i}`)!);
    if (chunks.length) return chunks.join("");
  }
  return undefined;
}

export type UpgradeAuth =
  | { ok: true; user: SessionUser }
  | { ok: false; reason: "unauthenticated" | "disabled" };

/**
 * Authenticates a raw upgrade request (next-auth's getToken cannot read an IncomingMessage):
 * the session cookie for browsers, `?access_token=` or `Authorization: Bearer` for API clients.
 */
export async function authenticateUpgrade(req: IncomingMessage): Promise<UpgradeAuth> {
  const url = new URL(req.url ?? "/", "http://upgrade.invalid");
  const bearer = req.headers.authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
  const token = url.searchParams.get("access_token") ?? bearer ?? sessionTokenFromCookies(parseCookieHeader(req.headers.cookie));
  return authenticateSessionToken(token);
}

/** A next-auth session JWT (cookie or access token) → its user, refusing disabled accounts. */
export async function authenticateSessionToken(token: string | undefined): Promise<UpgradeAuth> {
  if (!token) return { ok: false, reason: "unauthenticated" };
  const jwt = await decode({ token, secret: authSecret() }).catch(() => null);
  if (!jwt?.sub) return { ok: false, reason: "unauthenticated" };
  const user = await findUserById(jwt.sub);
  if (!user) return { ok: false, reason: "unauthenticated" };
  if (user.disabled) return { ok: false, reason: "disabled" };
  return { ok: true, user: toSessionUser(user) };
}
