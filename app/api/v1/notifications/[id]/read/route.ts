import { z } from "zod";
import { withUser } from "@/lib/auth/session";
import { markNotificationRead } from "@/lib/db/notifications";
import { describeZodError, jsonError } from "@/lib/http/errors";
import { publishRead } from "@/lib/producers/notifications";

const idSchema = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** POST /api/v1/notifications/:id/read — marks one of the caller's notifications read. */
export const POST = withUser(async (_req, ctx: { params: Promise<{ id: string }> }, user) => {
  const id = idSchema.safeParse((await ctx.params).id);
  if (!id.success) return jsonError("bad_request", `id: ${describeZodError(id.error)}`);
  if (!(await markNotificationRead(user.id, id.data))) return jsonError("not_found", `You have no notification ${id.data}.`);
  const unreadCount = await publishRead(user.id, [id.data]);
  return Response.json({ id: id.data, read: true, unreadCount });
});
