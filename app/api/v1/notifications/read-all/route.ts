import { withUser } from "@/lib/auth/session";
import { markAllNotificationsRead } from "@/lib/db/notifications";
import { publishRead } from "@/lib/producers/notifications";

/** POST /api/v1/notifications/read-all — marks all of the caller's notifications read. */
export const POST = withUser(async (_req, _ctx: unknown, user) => {
  const ids = await markAllNotificationsRead(user.id);
  const unreadCount = await publishRead(user.id, ids);
  return Response.json({ updated: ids.length, unreadCount });
});
