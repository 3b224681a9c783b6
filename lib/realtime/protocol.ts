import { z } from "zod";
import type { Cursor, Envelope } from "./envelope";

/** Inbound WebSocket messages (PROTOCOL.md), validated before anything acts on them. */

export const TOPIC_NAME = /^[a-z0-9_]+(?:[.:-][A-Za-z0-9_]+)*$/;

export const topicNameSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(TOPIC_NAME, "a dotted topic name such as market.AAPL");

export const cursorSchema = z.object({
  epoch: z.string().min(1).max(64),
  seq: z.number().int().nonnegative(),
}) satisfies z.ZodType<Cursor>;

const requestId = z.string().min(1).max(64);

export const subscribeSchema = z.object({
  type: z.literal("subscribe"),
  id: requestId.optional(),
  topic: topicNameSchema,
  since: cursorSchema.optional(),
  intervalMs: z.number().int().min(50).max(60_000).optional(),
});

export const unsubscribeSchema = z.object({
  type: z.literal("unsubscribe"),
  id: requestId.optional(),
  topic: topicNameSchema,
});

export const pingSchema = z.object({ type: z.literal("ping"), id: requestId.optional() });

export const clientMessageSchema = z.discriminatedUnion("type", [subscribeSchema, unsubscribeSchema, pingSchema]);

export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type SubscribeMessage = z.infer<typeof subscribeSchema>;

export type ErrorCode =
  | "forbidden"
  | "unknown_topic"
  | "bad_request"
  | "rate_limited"
  | "too_many_subscriptions"
  | "unavailable";

export interface RealtimeSettingsPayload {
  mode: "auto" | "websocket" | "sse" | "polling";
  pollingIntervalMs: number;
}

export type ServerMessage =
  | { type: "welcome"; connectionId: string; heartbeatMs: number; serverTime: number; settings: RealtimeSettingsPayload }
  | { type: "subscribed"; id?: string; topic: string; epoch: string; seq: number; recovered: boolean }
  | Envelope
  | { type: "error"; id?: string; topic?: string; code: ErrorCode; message: string }
  | { type: "pong"; id?: string; serverTime: number }
  | ({ type: "settings" } & RealtimeSettingsPayload)
  | { type: "resync"; topic: string; reason: "slow_consumer" };

/** WebSocket close codes of the contract. */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  tooBig: 1009,
  protocolError: 4400,
  unauthenticated: 4401,
  forbidden: 4403,
  heartbeatTimeout: 4408,
  modeChanged: 4409,
  tooMany: 4429,
} as const;
