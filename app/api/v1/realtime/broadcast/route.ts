import { withCaller } from "@/lib/auth/request-auth";
import { readJsonBody } from "@/lib/http/body";
import { jsonError } from "@/lib/http/errors";
import { log } from "@/lib/log";
import { BroadcastRefused, broadcastSchema, sendBroadcast } from "@/lib/realtime/broadcast";
import { hub } from "@/lib/realtime/instance";

/** POST /api/v1/realtime/broadcast (admin): `{message, title?, priority?, link?, topic?}`. */
export const POST = withCaller("admin", async (req, _ctx: unknown, caller) => {
  const body = await readJsonBody(req, broadcastSchema, 16 * 1024);
  if (!body.ok) return body.response;
  try {
    const result = await sendBroadcast(hub(), body.value, caller.user);
    log().info({ userId: caller.user.id, ...result }, "broadcast sent");
    return Response.json(result, { headers: { "Cache-Control": "no-store" } });
  } catch (err) {
    if (err instanceof BroadcastRefused) return jsonError(err.code, err.message);
    log().error({ err }, "broadcast failed");
    return jsonError("unavailable", "Broadcasting is unavailable; try again.", { retryAfterSec: 1 });
  }
});
