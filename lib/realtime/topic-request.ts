import { config } from "../config";
import { BadCursorToken, decodeCursorToken, type CursorMap } from "./cursor-token";
import type { ErrorCode } from "./protocol";
import type { Principal, ResolvedTopic, TopicRegistry } from "./topics";

/**
 * The `?topics=a,b&since=TOKEN` of the SSE and polling endpoints: the topic list and the
 * cursors to resume from (Last-Event-ID, sent by a reconnecting EventSource, wins over `since`).
 */
export interface TopicRequest {
  topics: string[];
  since: CursorMap;
}

export type TopicRequestResult = { ok: true; request: TopicRequest } | { ok: false; message: string };

export function parseTopicRequest(url: URL, headers: Headers, opts: { lastEventId?: boolean } = {}): TopicRequestResult {
  const raw = url.searchParams.getAll("topics").join(",");
  const topics = [...new Set(raw.split(",").map((t) => t.trim()).filter(Boolean))];
  if (topics.length === 0) return { ok: false, message: "Name at least one topic: ?topics=a,b." };
  // The same cap as a WebSocket connection's subscriptions.
  const max = config().WS_MAX_SUBSCRIPTIONS;
  if (topics.length > max) return { ok: false, message: `At most ${max} topics per request.` };

  const token = (opts.lastEventId ? headers.get("last-event-id")?.trim() : undefined) || url.searchParams.get("since") || undefined;
  let since: CursorMap = {};
  if (token) {
    try {
      since = decodeCursorToken(token);
    } catch (err) {
      if (err instanceof BadCursorToken) return { ok: false, message: err.message };
      throw err;
    }
  }
  return { ok: true, request: { topics, since } };
}

export interface TopicRefusal {
  topic: string;
  code: Extract<ErrorCode, "forbidden" | "unknown_topic">;
  message: string;
}

export interface AuthorizedTopics {
  allowed: ResolvedTopic[];
  refused: TopicRefusal[];
}

/** Read permission for each topic, in the order asked. */
export async function authorizeTopics(registry: TopicRegistry, names: string[], who: Principal): Promise<AuthorizedTopics> {
  const decisions = await Promise.all(names.map((name) => registry.authorizeRead(name, who)));
  const out: AuthorizedTopics = { allowed: [], refused: [] };
  decisions.forEach((d, i) => {
    if (d.ok) out.allowed.push(d.topic);
    else out.refused.push({ topic: names[i]!, code: d.code, message: d.message });
  });
  return out;
}

/** When every topic was refused: one HTTP error for the lot (403 if any was forbidden, else 404). */
export function refusalSummary(refused: TopicRefusal[]): { code: "forbidden" | "unknown_topic"; message: string } {
  const code = refused.some((r) => r.code === "forbidden") ? "forbidden" : "unknown_topic";
  return { code, message: refused.map((r) => r.message).join(" ") };
}
