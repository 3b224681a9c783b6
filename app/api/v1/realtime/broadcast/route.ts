import { withCaller } from "@/lib/auth/request-auth";
import { readJsonBody } from "@/lib/http/body";
import { jsonError } from "@/lib/http/errors";
import { log } from "@/lib/log";
import { broadcastSchema, publishBroadcast } from "@/lib/realtime/broadcast";
import { hub } from "@/lib/realtime/instance";

/** POST /api/v1/realtime/broadcast (admin): `{message, priority?, link?}` to every user. */
export const POST = withCaller("admin", async (req, _ctx: unknown, caller) => {
  const body = await readJsonBody(req, broadcastSchema, 16 * 1024);
  if (!body.ok) return body.response;
  try {
    const result = await publishBroadcast(hub(), body.value, caller.user);
    log().info({ userId: caller.user.id, broadcastId: result.broadcast.id }, "broadcast sent");
    return Response.json(result, { headers: { "Cache-Control": "no-store" } });
  } catch {
    return jsonError("unavailable", "Broadcasting is unavailable; try again.", { retryAfterSec: 1 });
  }
});
