import { z } from "zod";
import { withCaller } from "@/lib/auth/request-auth";
import { revokeApiKey } from "@/lib/db/api-keys";
import { jsonError } from "@/lib/http/errors";

type Ctx = { params: Promise<{ id: string }> };

/** DELETE /api/v1/admin/api-keys/:id (admin): revokes the key at once; it stays listed as revoked. */
export const DELETE = withCaller("admin", async (_req, ctx: Ctx, caller) => {
  const { id } = await ctx.params;
  const key = z.uuid().safeParse(id).success ? await revokeApiKey(id, caller.user.id) : undefined;
  if (!key) return jsonError("not_found", `No API key ${id}.`);
  return Response.json({ key }, { headers: { "Cache-Control": "no-store" } });
});
