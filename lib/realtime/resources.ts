import { withCaller } from "../auth/request-auth";
import { conditionalJson, weakEtag } from "../http/etag";
import { jsonError } from "../http/errors";
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
