import crypto from "node:crypto";

/**
 * Weak ETags for JSON answers whose meaning is fixed by a few cursors (the bytes also carry a
 * serverTime, hence weak), and the If-None-Match check that turns them into 304s.
 */
export function weakEtag(...parts: Array<string | number>): string {
  const hash = crypto.createHash("sha256").update(parts.join("\u0000")).digest("base64url").slice(0, 27);
  return `W/"${hash}"`;
}

/** True when If-None-Match names `etag` (weak comparison, as RFC 9110 asks for GET) or is `*`. */
export function ifNoneMatchHits(headers: Headers, etag: string): boolean {
  const header = headers.get("if-none-match");
  if (!header) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
  const want = opaque(etag);
  return header.split(",").some((tag) => tag.trim() === "*" || opaque(tag) === want);
}

const NO_STORE = "no-store";

/** 304 with the validator, and no body. */
export function notModified(etag: string): Response {
  return new Response(null, { status: 304, headers: { ETag: etag, "Cache-Control": NO_STORE } });
}

/** 200 JSON with an ETag, never stored by caches (it changes with every publish). */
export function jsonWithEtag(body: unknown, etag: string): Response {
  return Response.json(body, { headers: { ETag: etag, "Cache-Control": NO_STORE } });
}

/** The usual GET: 304 when the caller's copy is current, else the body (built only then). */
export function conditionalJson(req: Request, etag: string, body: () => unknown): Response {
  return ifNoneMatchHits(req.headers, etag) ? notModified(etag) : jsonWithEtag(body(), etag);
}
