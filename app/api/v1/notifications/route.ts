import { z } from "zod";
import { withUser } from "@/lib/auth/session";
import { countUnread, listNotifications } from "@/lib/db/notifications";
import { parseQuery } from "@/lib/http/query";

const querySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  before: z.coerce.number().int().positive().optional(),
});

/** GET /api/v1/notifications?limit=&before= — the caller's notifications, newest first. */
export const GET = withUser(async (req, _ctx: unknown, user) => {
  const query = parseQuery(req, querySchema);
  if (!query.ok) return query.response;
  const [notifications, unreadCount] = await Promise.all([listNotifications(user.id, query.value), countUnread(user.id)]);
  const nextBefore = notifications.length === query.value.limit ? (notifications.at(-1)?.id ?? null) : null;
  return Response.json({ notifications, unreadCount, nextBefore }, { headers: { "Cache-Control": "no-store" } });
});
