import { z } from "zod";
import { withCaller } from "@/lib/auth/request-auth";
import { createApiKey, listApiKeys } from "@/lib/db/api-keys";
import { findUserById } from "@/lib/db/queries";
import { readJsonBody } from "@/lib/http/body";
import { jsonError } from "@/lib/http/errors";

const createSchema = z.object({
  name: z.string().trim().min(1).max(100),
  /** Whose key it is (whose name publishes); the calling admin when omitted. */
  ownerId: z.uuid().optional(),
});

/** GET /api/v1/admin/api-keys (admin): every key, newest first, without secrets. */
export const GET = withCaller("admin", async () => {
  return Response.json({ keys: await listApiKeys() }, { headers: { "Cache-Control": "no-store" } });
});

/** POST /api/v1/admin/api-keys (admin): `{name, ownerId?}` → the key and its secret, shown this once. */
export const POST = withCaller("admin", async (req, _ctx: unknown, caller) => {
  const body = await readJsonBody(req, createSchema, 4 * 1024);
  if (!body.ok) return body.response;
  const ownerId = body.value.ownerId ?? caller.user.id;
  const owner = await findUserById(ownerId);
  if (!owner) return jsonError("not_found", `No user ${ownerId}.`);
  const { key, plaintext } = await createApiKey({ name: body.value.name, ownerId, actorId: caller.user.id });
  return Response.json({ key, secret: plaintext }, { status: 201, headers: { "Cache-Control": "no-store" } });
});
