import { withCaller } from "../auth/request-auth";
import { config } from "../config";
import { conditionalJson, weakEtag } from "../http/etag";
import { jsonError } from "../http/errors";
import type { Envelope } from "./envelope";
import type { Hub } from "./hub";
import { hub } from "./instance";
import type { ResolvedTopic } from "./topics";

/**
 * The per-resource REST endpoints of PROTOCOL.md: the same data as the topics, for API users
 * and for a refetch after a gap. Each answers with an ETag and 304 while nothing moved.
 */

/** A state topic's latest value; before anything was published, `ts` and `data` are null. */
export interface StateResource {
  topic: string;
  epoch: string;
  seq: number;
  ts: number | null;
  data: unknown;
}

export async function readStateResource(h: Hub, topic: ResolvedTopic): Promise<StateResource> {
  const { epoch, seq, messages } = await h.read(topic, undefined);
  const latest = messages.at(-1);
  return { topic: topic.name, epoch, seq, ts: latest?.ts ?? null, data: latest?.data ?? null };
}

/** GET handler for a state topic's latest value (monitoring, strategies, capacity). */
export function stateTopicRoute(name: string) {
  return withCaller("reader", async (req, _ctx: unknown, caller) => {
    const h = hub();
    const decision = await h.topics.authorizeRead(name, caller.principal);
    if (!decision.ok) return jsonError(decision.code, decision.message);
    const resource = await readStateResource(h, decision.topic);
    return conditionalJson(req, weakEtag(resource.topic, resource.epoch, resource.seq), () => resource);
  });
}

export interface StreamPage {
  topic: string;
  epoch: string;
  /** The topic's newest seq. */
  seq: number;
  /** False when messages after `last_id` are no longer held: a gap the caller cannot fill. */
  recovered: boolean;
  messages: Envelope[];
  /** The seq of the last message returned: the next `last_id` (0 after an epoch change). */
  lastId: number;
  hasMore: boolean;
}

/**
 * A page of a stream topic's retained history after `lastId` (a seq of the current epoch). A
 * `lastId` beyond the topic's seq (an earlier epoch) is read as "from the oldest held".
 */
export async function readStreamPage(h: Hub, topic: ResolvedTopic, lastId: number, limit: number): Promise<StreamPage> {
  const { epoch, seq } = await h.read(topic, undefined);
  const from = lastId <= seq ? lastId : 0;
  // All that is held, not only the recent slice a subscriber without a cursor gets.
  const held = await h.broker.read(topic.key, topic.kind, { epoch, seq: from }, config().REALTIME_HISTORY_MAX);
  const after = held.messages.filter((m) => m.seq > from);
  const messages = after.slice(0, limit);
  return {
    topic: topic.name,
    epoch: held.epoch,
    seq: held.seq,
    recovered: held.recovered && held.epoch === epoch && from === lastId,
    messages,
    lastId: messages.at(-1)?.seq ?? from,
    hasMore: after.length > limit,
  };
}
