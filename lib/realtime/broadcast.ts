import { z } from "zod";
import type { SessionUser } from "../auth/session-user";
import { notifyAll } from "../producers/notifications";
import type { Hub } from "./hub";
import { topicNameSchema } from "./protocol";

/**
 * POST /api/v1/realtime/broadcast (PROTOCOL.md): an admin's announcement, either as a stored
 * notification for every user (the default: it rings every bell, now and in each user's
 * history) or published on one topic that the admin may publish to.
 */
export const broadcastSchema = z
  .object({
    message: z.string().trim().min(1).max(2_000),
    title: z.string().trim().min(1).max(200).optional(),
    priority: z.enum(["low", "normal", "high"]).default("normal"),
    // A path inside the app: no other origin, no javascript: URLs.
    link: z
      .string()
      .max(2_048)
      .regex(/^\/(?![/\\])/, "a path inside the app, such as /monitoring")
      .optional(),
    topic: topicNameSchema.optional(),
  })
  .strict();

export type BroadcastInput = z.infer<typeof broadcastSchema>;

export type BroadcastResult =
  | { to: "everyone"; delivered: number }
  | { to: "topic"; topic: string; epoch: string; seq: number };

export class BroadcastRefused extends Error {
  constructor(
    readonly code: "forbidden" | "unknown_topic",
    message: string,
  ) {
    super(message);
  }
}

export async function sendBroadcast(hub: Hub, input: BroadcastInput, from: SessionUser): Promise<BroadcastResult> {
  const link = input.link ?? null;
  if (!input.topic) {
    const delivered = await notifyAll({ title: input.title ?? `Announcement from ${from.name}`, body: input.message, priority: input.priority, link });
    return { to: "everyone", delivered };
  }
  const decision = hub.topics.authorizePublish(input.topic, { userId: from.id, role: from.role });
  if (!decision.ok) throw new BroadcastRefused(decision.code, decision.message);
  const data = { title: input.title ?? null, message: input.message, priority: input.priority, link, from: { id: from.id, name: from.name }, at: Date.now() };
  const envelope = await hub.publishOne(input.topic, data);
  return { to: "topic", topic: envelope.topic, epoch: envelope.epoch, seq: envelope.seq };
}
