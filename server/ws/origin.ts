import type { IncomingMessage } from "node:http";

/** How an upgrade request carries its credentials; a missing Origin is acceptable only for a token. */
export type CredentialKind = "token" | "cookie" | "none";

export function credentialKind(req: IncomingMessage): CredentialKind {
  const url = new URL(req.url ?? "/", "http://upgrade.invalid");
  if (url.searchParams.has("access_token") || /^Bearer\s/i.test(req.headers.authorization ?? "")) return "token";
  return /next-auth\.session-token/.test(req.headers.cookie ?? "") ? "cookie" : "none";
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.split(",")[0]?.trim() || undefined;

/** The origin the browser sees for this server: as a proxy forwards it, else the Host header. */
export function ownOrigin(req: IncomingMessage): string | undefined {
  const host = first(req.headers["x-forwarded-host"]) ?? first(req.headers.host);
  if (!host) return undefined;
  const encrypted = (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
  const proto = first(req.headers["x-forwarded-proto"]) ?? (encrypted ? "https" : "http");
  return normalize(`${proto}://${host}`);
}

function normalize(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.origin === "null" ? undefined : url.origin;
  } catch {
    return undefined;
  }
}

/**
 * The Origin check of a WebSocket upgrade (browsers send Origin; cross-site pages must not ride
 * the session cookie): the request's own origin or one of `allowed`. Without an Origin header
 * (a non-browser client) only token authentication is accepted, or none at all (so the
 * request ends as unauthenticated rather than forbidden).
 */
export function originAllowed(req: IncomingMessage, allowed: readonly string[], via: CredentialKind): boolean {
  const header = req.headers.origin;
  if (header === undefined) return via !== "cookie";
  const origin = normalize(header);
  if (!origin) return false;
  if (origin === ownOrigin(req)) return true;
  return allowed.some((a) => normalize(a) === origin);
}
