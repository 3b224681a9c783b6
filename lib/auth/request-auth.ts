import { looksLikeApiKey, verifyApiKey } from "../db/api-keys";
import { jsonError } from "../http/errors";
import type { Principal } from "../realtime/topics";
import { toSessionUser, type SessionUser } from "./session-user";
import { authenticateSessionToken, parseCookieHeader, sessionTokenFromCookies } from "./upgrade-auth";

/** Who is calling a route handler: a signed-in user, an API client with a session JWT, or an API key. */
export interface Caller {
  principal: Principal;
  /** The user, or the owner of the API key. */
  user: SessionUser;
  /** Set when the caller presented an API key. */
  apiKeyId?: string;
}

export type RequestAuth = { ok: true; caller: Caller } | { ok: false; reason: "unauthenticated" | "disabled" };

export function bearerToken(req: Request): string | undefined {
  return req.headers.get("authorization")?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
}

/**
 * `Authorization: Bearer` (an `sbk_…` API key or a next-auth session JWT), else the session
 * cookie. Users are read fresh from the database, so a disabled account is refused at once.
 */
export async function authenticateRequest(req: Request): Promise<RequestAuth> {
  const bearer = bearerToken(req);
  if (bearer && looksLikeApiKey(bearer)) {
    const found = await verifyApiKey(bearer);
    if (!found) return { ok: false, reason: "unauthenticated" };
    if (found.owner.disabled) return { ok: false, reason: "disabled" };
    const user = toSessionUser(found.owner);
    return { ok: true, caller: { principal: { userId: user.id, role: user.role, apiKey: true }, user, apiKeyId: found.key.id } };
  }
  const token = bearer ?? sessionTokenFromCookies(parseCookieHeader(req.headers.get("cookie") ?? undefined));
  const auth = await authenticateSessionToken(token);
  if (!auth.ok) return auth;
  return { ok: true, caller: { principal: { userId: auth.user.id, role: auth.user.role }, user: auth.user } };
}

/**
 * Who may call an endpoint: `reader` any user (not an API key: keys publish and read nothing),
 * `admin` an admin user, `publisher` an API key or an admin user.
 */
export type Access = "reader" | "admin" | "publisher";

function refusal(caller: Caller, access: Access): Response | undefined {
  const isAdmin = caller.principal.role === "admin" && !caller.apiKeyId;
  switch (access) {
    case "reader":
      return caller.apiKeyId ? jsonError("forbidden", "API keys may publish but not read.") : undefined;
    case "admin":
      return isAdmin ? undefined : jsonError("forbidden", "Administrators only.");
    case "publisher":
      return isAdmin || caller.apiKeyId ? undefined : jsonError("forbidden", "Publishing needs an API key or an administrator.");
  }
}

/** The caller for `access`, or the JSON error response (401, 403) to send instead. */
export async function authorizeRequest(req: Request, access: Access): Promise<{ caller: Caller; error?: undefined } | { error: Response }> {
  const auth = await authenticateRequest(req);
  if (!auth.ok) {
    return {
      error:
        auth.reason === "disabled"
          ? jsonError("forbidden", "This account is disabled.")
          : jsonError("unauthenticated", "Sign in, or send Authorization: Bearer with a session token or an API key."),
    };
  }
  const error = refusal(auth.caller, access);
  return error ? { error } : { caller: auth.caller };
}

type Handler<C> = (req: Request, ctx: C, caller: Caller) => Promise<Response> | Response;

/** Wraps a route handler: authenticates (cookie or Bearer) and checks `access` first. */
export function withCaller<C>(access: Access, handler: Handler<C>) {
  return async (req: Request, ctx: C): Promise<Response> => {
    const result = await authorizeRequest(req, access);
    if (result.error) return result.error;
    return handler(req, ctx, result.caller);
  };
}
