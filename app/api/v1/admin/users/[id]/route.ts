import { z } from "zod";
import { adminUserView } from "@/lib/admin/user-links";
import { withCaller } from "@/lib/auth/request-auth";
import { updateUserAccount } from "@/lib/db/admin";
import { ROLES } from "@/lib/db/schema";
import { readJsonBody } from "@/lib/http/body";
import { jsonError } from "@/lib/http/errors";
import { hub } from "@/lib/realtime/instance";

type Ctx = { params: Promise<{ id: string }> };
const NO_STORE = { "Cache-Control": "no-store" };

const accountSchema = z
  .object({
    disabled: z.boolean({ error: "disabled must be true or false" }).optional(),
    role: z.enum(ROLES, { error: `role must be one of ${ROLES.join(", ")}` }).optional(),
  })
  .strict()
  .refine((v) => v.disabled !== undefined || v.role !== undefined, "Send disabled, role or both");

const isUuid = (id: string) => z.uuid().safeParse(id).success;
const noSuchUser = (id: string) => jsonError("not_found", `No user ${id}.`);

/** GET /api/v1/admin/users/:id (admin): one user with settings and live links. */
export const GET = withCaller("admin", async (_req, ctx: Ctx) => {
  const { id } = await ctx.params;
  const user = isUuid(id) ? await adminUserView(id) : undefined;
  return user ? Response.json({ user }, { headers: NO_STORE }) : noSuchUser(id);
});

/**
 * PATCH /api/v1/admin/users/:id (admin): `{disabled?, role?}`, audited. Disabling closes the
 * user's open connections at once (WebSocket 4403, SSE ends) on every instance; new ones are
 * refused by authentication. An admin cannot disable or demote themselves (409).
 */
export const PATCH = withCaller("admin", async (req, ctx: Ctx, caller) => {
  const { id } = await ctx.params;
  if (!isUuid(id)) return noSuchUser(id);
  const body = await readJsonBody(req, accountSchema, 1024);
  if (!body.ok) return body.response;
  const change = body.value;
  if (id === caller.user.id && change.disabled === true) return jsonError("conflict", "You cannot disable your own account.");
  if (id === caller.user.id && change.role !== undefined && change.role !== "admin") {
    return jsonError("conflict", "You cannot remove your own admin role; ask another admin.");
  }
  const result = await updateUserAccount(id, change, caller.user.id);
  if (!result) return noSuchUser(id);
  if (result.after.disabled && !result.before.disabled) await hub().notifyUser(id, { type: "account_disabled" });
  else if (result.after.role !== result.before.role) await hub().notifyUser(id, { type: "session_changed" });
  return Response.json({ user: await adminUserView(id) }, { headers: NO_STORE });
});
