import type { RawData } from "ws";
import { clientMessageSchema, type ClientMessage } from "../../lib/realtime/protocol";

export type Inbound = { ok: true; message: ClientMessage } | { ok: false; id?: string; topic?: string; message: string };

function text(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString("utf8");
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.from(data).toString("utf8");
}

/** The id and topic of a request that failed validation, when they are usable, to echo back. */
function echo(value: unknown): { id?: string; topic?: string } {
  if (typeof value !== "object" || value === null) return {};
  const { id, topic } = value as { id?: unknown; topic?: unknown };
  const short = (v: unknown) => (typeof v === "string" && v.length <= 128 ? v : undefined);
  return { id: short(id), topic: short(topic) };
}

/** Validates one inbound frame: a JSON text frame matching the client message schema. */
export function parseClientFrame(data: RawData, isBinary: boolean): Inbound {
  if (isBinary) return { ok: false, message: "Binary frames are not accepted; send JSON text." };
  let value: unknown;
  try {
    value = JSON.parse(text(data));
  } catch {
    return { ok: false, message: "Not valid JSON." };
  }
  const parsed = clientMessageSchema.safeParse(value);
  if (parsed.success) return { ok: true, message: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
  return { ok: false, ...echo(value), message: `Invalid message: ${where}${issue?.message ?? "does not match the protocol"}` };
}
