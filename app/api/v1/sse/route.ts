import { authorizeRequest } from "@/lib/auth/request-auth";
import { config } from "@/lib/config";
import { getRealtimeSettings } from "@/lib/db/queries";
import { jsonError } from "@/lib/http/errors";
import { shutdownSignal } from "@/lib/lifecycle";
import { log } from "@/lib/log";
import { hub } from "@/lib/realtime/instance";
import { SSE_HEADERS } from "@/lib/realtime/sse-format";
import { SseStream } from "@/lib/realtime/sse-stream";
import { authorizeTopics, parseTopicRequest, refusalSummary } from "@/lib/realtime/topic-request";

/**
 * GET /api/v1/sse?topics=a,b[&since=TOKEN] (PROTOCOL.md "Server-Sent Events"). Everything that
 * can be refused is refused here, as JSON with a status, before the stream starts: a browser's
 * EventSource does not retry a non-200 answer.
 */
export async function GET(req: Request): Promise<Response> {
  const auth = await authorizeRequest(req, "reader");
  if (auth.error) return auth.error;
  const parsed = parseTopicRequest(new URL(req.url), req.headers, { lastEventId: true });
  if (!parsed.ok) return jsonError("bad_request", parsed.message);
  if (shutdownSignal().aborted) return jsonError("unavailable", "The server is shutting down; reconnect.", { retryAfterSec: 1 });

  const h = hub();
  const { principal } = auth.caller;
  const { allowed, refused } = await authorizeTopics(h.topics, parsed.request.topics, principal);
  if (allowed.length === 0) {
    const { code, message } = refusalSummary(refused);
    return jsonError(code, message);
  }
  const settings = await getRealtimeSettings(principal.userId);
  const c = config();
  const sse = new SseStream({
    hub: h,
    userId: principal.userId,
    topics: allowed,
    refused,
    since: parsed.request.since,
    settings: { mode: settings.mode, pollingIntervalMs: settings.pollingIntervalMs },
    signal: req.signal,
    shutdown: shutdownSignal(),
    heartbeatMs: c.SSE_HEARTBEAT_MS,
    retryMs: c.SSE_RETRY_MS,
    maxBufferBytes: c.SSE_BUFFER_BYTES,
    log: log(),
  });
  return new Response(sse.stream, { headers: SSE_HEADERS });
}
