import { withCaller } from "@/lib/auth/request-auth";
import { readJsonBody } from "@/lib/http/body";
import { jsonError } from "@/lib/http/errors";
import { clientEvents, clientEventSchema } from "@/lib/realtime/client-events";

/**
 * POST /api/v1/realtime/client-events (any signed-in user): `{kind: "fallback"|"upgrade",
 * from, to, reason}` when the browser's link moves down or up the ladder. Counted for the
 * admin operations view; 429 with Retry-After past a burst of 10 per user.
 */
export const POST = withCaller("reader", async (req, _ctx: unknown, caller) => {
  const { events, limiter } = clientEvents();
  const wait = limiter.take(caller.user.id);
  if (wait > 0) return jsonError("rate_limited", "Too many link reports; slow down.", { retryAfterSec: wait });
  const body = await readJsonBody(req, clientEventSchema, 2 * 1024);
  if (!body.ok) return body.response;
  events.record(body.value);
  return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
});
