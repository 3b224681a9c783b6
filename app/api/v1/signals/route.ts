import { z } from "zod";
import { withCaller } from "@/lib/auth/request-auth";
import { listSignalsAfter } from "@/lib/db/signals";
import { conditionalJson, weakEtag } from "@/lib/http/etag";
import { describeZodError, jsonError } from "@/lib/http/errors";

const querySchema = z.object({
  last_id: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
});

/**
 * GET /api/v1/signals?last_id=&limit= — stored signals with an id above `last_id`, oldest
 * first: how a client fills a gap the live link could not recover (PROTOCOL.md). The `id` of
 * each signal is the one its live `signals` message carries.
 */
export const GET = withCaller("reader", async (req, _ctx: unknown) => {
  const url = new URL(req.url);
  const query = querySchema.safeParse(Object.fromEntries([...url.searchParams].filter(([, v]) => v !== "")));
  if (!query.success) return jsonError("bad_request", describeZodError(query.error));
  const { last_id, limit } = query.data;
  // One more than asked tells whether another page follows.
  const rows = await listSignalsAfter(last_id, limit + 1);
  const signals = rows.slice(0, limit);
  const lastId = signals.at(-1)?.id ?? last_id;
  const page = { signals, lastId, hasMore: rows.length > limit };
  return conditionalJson(req, weakEtag("signals", last_id, limit, lastId, signals.length), () => page);
});
