import { z } from "zod";
import { adminUserView, listAdminUsers } from "@/lib/admin/user-links";
import { hashPassword } from "@/lib/auth/password";
import { withCaller } from "@/lib/auth/request-auth";
import { createUser, findUserByEmail } from "@/lib/db/queries";
import { ROLES } from "@/lib/db/schema";
import { readJsonBody } from "@/lib/http/body";
import { jsonError } from "@/lib/http/errors";
import { parseQuery } from "@/lib/http/query";

const NO_STORE = { "Cache-Control": "no-store" };

const listQuery = z.object({
  query: z.string().max(200, "query must be at most 200 characters").optional(),
  page: z.coerce.number().int().min(1, "page starts at 1").default(1),
  pageSize: z.coerce.number().int().min(1).max(100, "pageSize must be at most 100").default(20),
});

/**
 * GET /api/v1/admin/users?query=&page=&pageSize= (admin): users whose email or name contains
 * `query`, newest first, each with role, status, realtime settings and live links (this instance).
 */
export const GET = withCaller("admin", async (req) => {
  const q = parseQuery(req, listQuery);
  if (!q.ok) return q.response;
  return Response.json(await listAdminUsers(q.value), { headers: NO_STORE });
});

const createSchema = z
  .object({
    email: z.email("email must be an email address").max(254),
    name: z.string().trim().min(1, "name is required").max(100, "name must be at most 100 characters"),
    password: z.string().min(10, "password must be at least 10 characters").max(200, "password must be at most 200 characters"),
    role: z.enum(ROLES, { error: `role must be one of ${ROLES.join(", ")}` }).default("user"),
  })
  .strict();

/** POST /api/v1/admin/users (admin): `{email, name, password, role?}` → 201 and the user; 409 when the email is taken. */
export const POST = withCaller("admin", async (req, _ctx: unknown, caller) => {
  const body = await readJsonBody(req, createSchema, 4 * 1024);
  if (!body.ok) return body.response;
  const { email, name, password, role } = body.value;
  const taken = () => jsonError("conflict", `A user with the email ${email.trim().toLowerCase()} already exists.`);
  if (await findUserByEmail(email)) return taken();
  let id: string;
  try {
    ({ id } = await createUser({ email, name, role, passwordHash: await hashPassword(password) }, { actorId: caller.user.id }));
  } catch (err) {
    // Two admins adding the same email at once: the unique index decides.
    if (await findUserByEmail(email)) return taken();
    throw err;
  }
  return Response.json({ user: await adminUserView(id) }, { status: 201, headers: NO_STORE });
});
