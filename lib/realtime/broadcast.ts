import crypto from "node:crypto";
import { z } from "zod";
import type { SessionUser } from "../auth/session-user";
import type { Hub } from "./hub";

/**
 * POST /api/v1/realtime/broadcast: an admin's announcement to every user, published on the
 * `broadcast` stream topic that every signed-in user may read (the producer API cannot publish
 * there, so a broadcast always comes from an admin). Per-user `notifications` are separate.
 */
export const BROADCAST_TOPIC = "broadcast";

export const broadcastSchema = z.object({
  message: z.string().trim().min(1).max(2_000),
  priority: z.enum(["low", "normal", "high"]).default("normal"),
  // A path inside the app: no other origin, no javascript: URLs.
  link: z
    .string()
    .max(2_048)
    .regex(/^\/(?![/\\])/, "a path inside the app, such as /monitoring")
    .optional(),
});

export type BroadcastInput = z.infer<typeof broadcastSchema>;

export interface Broadcast {
  id: string;
  message: string;
  priority: BroadcastInput["priority"];
  link: string | null;
  from: { id: string; name: string };
  at: number;
}

export async function publishBroadcast(hub: Hub, input: BroadcastInput, from: SessionUser) {
  const data: Broadcast = {
    id: crypto.randomUUID(),
    message: input.message,
    priority: input.priority,
    link: input.link ?? null,
    from: { id: from.id, name: from.name },
    at: Date.now(),
  };
  const envelope = await hub.publishOne(BROADCAST_TOPIC, data);
  return { topic: envelope.topic, epoch: envelope.epoch, seq: envelope.seq, broadcast: data };
}
