import { z } from "zod";
import { withCaller } from "@/lib/auth/request-auth";
import { findUserById } from "@/lib/db/queries";
import { readJsonBody } from "@/lib/http/body";
import { jsonError } from "@/lib/http/errors";
import { adminSettingsUpdateSchema, applySettingsChange } from "@/lib/settings/realtime-settings";

type Ctx = { params: Promise<{ id: string }> };

/**
 * PUT /api/v1/admin/users/:id/settings (admin): `{mode?, pollingIntervalMs?, locked?}` →
 * the settings after the change. Audited with before and after, and pushed at once to every
 * open tab of the user (a `settings` message on WebSocket and SSE; polling on its next read).
 */
export const PUT = withCaller("admin", async (req, ctx: Ctx, caller) => {
  const { id } = await ctx.params;
  if (!z.uuid().safeParse(id).success || !(await findUserById(id))) return jsonError("not_found", `No user ${id}.`);
  const body = await readJsonBody(req, adminSettingsUpdateSchema, 1024);
  if (!body.ok) return body.response;
  const { before, after } = await applySettingsChange(id, body.value, caller.user.id);
  return Response.json({ settings: after, before }, { headers: { "Cache-Control": "no-store" } });
});
