import { z } from "zod";
import { withCaller } from "@/lib/auth/request-auth";
import { conditionalJson, weakEtag } from "@/lib/http/etag";
import { describeZodError, jsonError } from "@/lib/http/errors";
import { hub } from "@/lib/realtime/instance";
import { readStreamPage } from "@/lib/realtime/resources";

const querySchema = z.object({
  last_id: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
});

/**
 * GET /api/v1/signals?last_id=&limit= — signals after `last_id` (a seq), oldest first, from the
 * hub's retained history for now (a later issue keeps signals in Postgres).
 */
export const GET = withCaller("reader", async (req, _ctx: unknown, caller) => {
  const url = new URL(req.url);
  const query = querySchema.safeParse(Object.fromEntries([...url.searchParams].filter(([, v]) => v !== "")));
  if (!query.success) return jsonError("bad_request", describeZodError(query.error));
  const h = hub();
  const decision = await h.topics.authorizeRead("signals", caller.principal);
  if (!decision.ok) return jsonError(decision.code, decision.message);
  const { last_id, limit } = query.data;
  const page = await readStreamPage(h, decision.topic, last_id, limit);
  return conditionalJson(req, weakEtag(page.topic, page.epoch, page.seq, last_id, limit, page.messages.length), () => page);
});
