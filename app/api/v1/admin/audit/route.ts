import { z } from "zod";
import { withCaller } from "@/lib/auth/request-auth";
import { listAuditEntries } from "@/lib/db/admin";
import { parseQuery } from "@/lib/http/query";

const auditQuery = z.object({
  limit: z.coerce.number().int().min(1, "limit must be at least 1").max(200, "limit must be at most 200").default(50),
  /** An entry id: the page of entries older than it. */
  before: z.coerce.number().int().positive("before must be an entry id").optional(),
});

/**
 * GET /api/v1/admin/audit?limit=&before= (admin): who changed what, newest first, with before
 * and after; `nextBefore` pages on (null at the end).
 */
export const GET = withCaller("admin", async (req) => {
  const q = parseQuery(req, auditQuery);
  if (!q.ok) return q.response;
  const entries = await listAuditEntries(q.value);
  const nextBefore = entries.length === q.value.limit ? (entries.at(-1)?.id ?? null) : null;
  return Response.json({ entries, nextBefore }, { headers: { "Cache-Control": "no-store" } });
});
