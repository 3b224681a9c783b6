import { weakEtag } from "../http/etag";
import { encodeCursorToken, type CursorMap } from "./cursor-token";
import type { Envelope } from "./envelope";
import type { Hub } from "./hub";
import type { ErrorCode, RealtimeSettingsPayload } from "./protocol";
import type { TopicRefusal } from "./topic-request";
import type { ResolvedTopic } from "./topics";

export type BatchTopic =
  | { epoch: string; seq: number; recovered: boolean; messages: Envelope[] }
  | { error: { code: ErrorCode; message: string } };

/** The body of GET /api/v1/realtime/batch (PROTOCOL.md "Polling"), plus the caller's settings. */
export interface BatchBody {
  since: string;
  serverTime: number;
  topics: Record<string, BatchTopic>;
  /** Additive: a polling client learns of a mode change (e.g. by an admin) on its next poll. */
  settings: RealtimeSettingsPayload;
}

export interface BatchRead {
  body: BatchBody;
  /** Changes exactly when a topic moved (or the refusals or settings changed). */
  etag: string;
  /** The caller's `since` was already every topic's current cursor: nothing new to give. */
  caughtUp: boolean;
}

/**
 * One poll: each topic's messages after the caller's cursor by the resume rule (the same as a
 * WebSocket or SSE subscribe), and the token to send next time.
 */
export async function readBatch(
  hub: Hub,
  topics: { allowed: ResolvedTopic[]; refused: TopicRefusal[] },
  since: CursorMap,
  settings: RealtimeSettingsPayload,
): Promise<BatchRead> {
  const out: Record<string, BatchTopic> = {};
  const next: CursorMap = {};
  let caughtUp = true;
  const results = await Promise.allSettled(topics.allowed.map((t) => hub.read(t, since[t.name])));
  results.forEach((result, i) => {
    const name = topics.allowed[i]!.name;
    const given = since[name];
    if (result.status === "rejected") {
      hub.metrics.errors.inc({ kind: "poll" });
      out[name] = { error: { code: "unavailable", message: `${name} is unavailable; poll again.` } };
      // Keep the caller's place, so the next poll resumes where this one could not.
      if (given) next[name] = given;
      caughtUp = false;
      return;
    }
    const { epoch, seq, recovered, messages } = result.value;
    out[name] = { epoch, seq, recovered, messages };
    next[name] = { epoch, seq };
    if (!given || given.epoch !== epoch || given.seq !== seq) caughtUp = false;
    hub.metrics.messagesOut.inc({ transport: "polling" }, messages.length);
  });
  for (const r of topics.refused) out[r.topic] = { error: { code: r.code, message: r.message } };

  const token = encodeCursorToken(next);
  const refusals = topics.refused.map((r) => `${r.topic}=${r.code}`).join(",");
  return {
    body: { since: token, serverTime: Date.now(), topics: out, settings },
    etag: weakEtag(token, refusals, settings.mode, settings.pollingIntervalMs),
    caughtUp,
  };
}
