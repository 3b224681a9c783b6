import { authorizeRequest } from "@/lib/auth/request-auth";
import { getRealtimeSettings } from "@/lib/db/queries";
import { jsonWithEtag, ifNoneMatchHits, notModified } from "@/lib/http/etag";
import { jsonError } from "@/lib/http/errors";
import { hub } from "@/lib/realtime/instance";
import { liveConnections } from "@/lib/realtime/live-connections";
import { readBatch } from "@/lib/realtime/polling";
import { authorizeTopics, parseTopicRequest, refusalSummary } from "@/lib/realtime/topic-request";

/**
 * GET /api/v1/realtime/batch?topics=a,b[&since=TOKEN] (PROTOCOL.md "Polling"). A topic the
 * caller may not read gets an `error` object in `topics`; when every topic is refused the
 * answer is that error (403, or 404 unknown_topic). `If-None-Match` with the last ETag answers
 * 304 while no topic has moved past `since`.
 */
export async function GET(req: Request): Promise<Response> {
  const auth = await authorizeRequest(req, "reader");
  if (auth.error) return auth.error;
  const parsed = parseTopicRequest(new URL(req.url), req.headers);
  if (!parsed.ok) return jsonError("bad_request", parsed.message);

  const h = hub();
  const { principal } = auth.caller;
  const topics = await authorizeTopics(h.topics, parsed.request.topics, principal);
  if (topics.allowed.length === 0) {
    const { code, message } = refusalSummary(topics.refused);
    return jsonError(code, message);
  }
  // A read with a cursor is a polling transport at work (a page's first read has none).
  if (Object.keys(parsed.request.since).length > 0) liveConnections().polled(principal.userId);
  const { mode, pollingIntervalMs } = await getRealtimeSettings(principal.userId);
  const batch = await readBatch(h, topics, parsed.request.since, { mode, pollingIntervalMs });
  if (batch.caughtUp && ifNoneMatchHits(req.headers, batch.etag)) return notModified(batch.etag);
  return jsonWithEtag(batch.body, batch.etag);
}
