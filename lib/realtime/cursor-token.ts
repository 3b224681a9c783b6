import { z } from "zod";
import type { Cursor } from "./envelope";
import { cursorSchema, topicNameSchema } from "./protocol";

/**
 * The `since` token of SSE (`id:` / Last-Event-ID) and polling: every topic's cursor of one
 * stream in one opaque, URL-safe string, so a single resume point covers them all.
 */
export type CursorMap = Record<string, Cursor>;

const tokenSchema = z.record(topicNameSchema, z.tuple([cursorSchema.shape.epoch, cursorSchema.shape.seq]));

export function encodeCursorToken(cursors: CursorMap): string {
  const compact: Record<string, [string, number]> = {};
  for (const [topic, c] of Object.entries(cursors)) compact[topic] = [c.epoch, c.seq];
  return Buffer.from(JSON.stringify(compact)).toString("base64url");
}

export class BadCursorToken extends Error {}

export function decodeCursorToken(token: string): CursorMap {
  if (token.length > 16_384) throw new BadCursorToken("The since token is too long.");
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw new BadCursorToken("The since token is not one this server issued.");
  }
  const result = tokenSchema.safeParse(parsed);
  if (!result.success) throw new BadCursorToken("The since token is not one this server issued.");
  const cursors: CursorMap = {};
  for (const [topic, [epoch, seq]] of Object.entries(result.data)) cursors[topic] = { epoch, seq };
  return cursors;
}
