import { z } from "zod";
import type { Caller } from "../auth/request-auth";
import { config } from "../config";
import { readJsonBody } from "../http/body";
import { jsonError } from "../http/errors";
import type { Hub } from "./hub";
import { topicNameSchema } from "./protocol";
import { TokenBucket } from "./token-bucket";

/**
 * POST /api/v1/publish (PROTOCOL.md): how other systems feed topics. `{topic, data}` or
 * `{messages: [{topic, data}, …]}`, validated, size-limited, rate-limited per API key (or per
 * admin), published in order.
 */
const messageSchema = z
  .object({ topic: topicNameSchema, data: z.unknown() })
  .refine((m) => m.data !== undefined, { message: "data is required", path: ["data"] });

const bodySchema = z.union([
  z.object({ messages: z.array(messageSchema).min(1) }),
  messageSchema,
]);

type PublishBody = z.infer<typeof bodySchema>;
export type PublishMessage = z.infer<typeof messageSchema>;

const g = globalThis as typeof globalThis & { __switchbackPublishBuckets?: Map<string, TokenBucket> };

/** One bucket per API key, or per admin publishing with their own session. */
export function publishBucket(caller: Caller): TokenBucket {
  const buckets = (g.__switchbackPublishBuckets ??= new Map());
  const id = caller.apiKeyId ? `key:${caller.apiKeyId}` : `user:${caller.user.id}`;
  let bucket = buckets.get(id);
  if (!bucket) {
    const c = config();
    buckets.set(id, (bucket = new TokenBucket(c.PUBLISH_RATE, c.PUBLISH_BURST)));
  }
  return bucket;
}

export async function handlePublish(req: Request, caller: Caller, hub: Hub): Promise<Response> {
  const c = config();
  const body = await readJsonBody(req, bodySchema, c.PUBLISH_MAX_BODY_BYTES);
  if (!body.ok) return body.response;
  const batch = "messages" in body.value;
  const messages = messagesOf(body.value);
  if (messages.length > c.PUBLISH_BURST) {
    return jsonError("payload_too_large", `A request may publish at most ${c.PUBLISH_BURST} messages (the rate limit's burst).`);
  }

  for (const [i, m] of messages.entries()) {
    const decision = hub.topics.authorizePublish(m.topic, caller.principal);
    if (!decision.ok) return jsonError(decision.code, batch ? `messages[${i}]: ${decision.message}` : decision.message);
  }

  const bucket = publishBucket(caller);
  if (!bucket.take(messages.length)) {
    hub.metrics.errors.inc({ kind: "publish_rate" });
    return jsonError("rate_limited", `Over the publish rate of ${c.PUBLISH_RATE} messages/s.`, {
      retryAfterSec: bucket.secondsUntil(messages.length),
    });
  }

  let published;
  try {
    published = await hub.publish(messages.map((m) => ({ topic: m.topic, data: m.data })));
  } catch {
    hub.metrics.errors.inc({ kind: "publish" });
    return jsonError("unavailable", "Publishing is unavailable; try again.", { retryAfterSec: 1 });
  }
  const results = published.map(({ topic, epoch, seq }) => ({ topic, epoch, seq }));
  return Response.json(batch ? { results } : results[0], { headers: { "Cache-Control": "no-store" } });
}

function messagesOf(body: PublishBody): PublishMessage[] {
  return "messages" in body ? body.messages : [body];
}
