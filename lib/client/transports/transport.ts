import type { Cursor, Envelope } from "../../realtime/envelope";
import type { ErrorCode, RealtimeSettingsPayload } from "../../realtime/protocol";

export type TransportName = "websocket" | "sse" | "polling";

/** Why a transport stopped; the ladder decides what happens next from this alone. */
export type TransportEnd =
  /** The network or a proxy failed it (no handshake, dropped, timed out, buffered). */
  | {
      kind: "failed";
      reason: string;
      retryAfterMs?: number;
      /** This failure proves the rung unusable here (e.g. a buffering proxy): fall back now. */
      fallNow?: boolean;
      /** A liveness check found the link dead: replace it at once, no backoff penalty. */
      immediate?: boolean;
    }
  /** The session is gone (4401 / 401): refresh it, don't fall back. */
  | { kind: "unauthenticated"; reason: string }
  /** The account may not connect (4403 / 403): stop. */
  | { kind: "forbidden"; reason: string }
  /** The user's mode no longer allows this transport (4409); a settings message came first. */
  | { kind: "mode_changed"; reason: string }
  /** The server is going away (1001) or asked us to slow down (4429 / 429 / 503). */
  | { kind: "server_busy"; reason: string; retryAfterMs?: number };

export interface TransportEvents {
  /** The link works: welcome (WebSocket), the first event (SSE), a first answer (polling). */
  ready(info: { settings?: RealtimeSettingsPayload }): void;
  /** Where a topic stood on (re)subscribe; `recovered: false` means a gap may exist. */
  subscribed(topic: string, state: Cursor & { recovered: boolean }): void;
  message(envelope: Envelope): void;
  topicError(topic: string, code: ErrorCode, message: string): void;
  settings(settings: RealtimeSettingsPayload): void;
  /** A round trip measured by the transport (WebSocket ping/pong, polling request). */
  latency(ms: number): void;
  end(how: TransportEnd): void;
}

/** The cursors the ladder holds: what each topic last applied (undefined before any message). */
export type TopicCursors = ReadonlyMap<string, Cursor | undefined>;

/**
 * One way of carrying the contract's envelope. The ladder never looks inside: it opens one,
 * hands it the topics with their cursors, and reacts to its events.
 */
export interface Transport {
  readonly name: TransportName;
  open(topics: TopicCursors, events: TransportEvents): void;
  /** The topic set changed (added topics carry their cursors). */
  setTopics(topics: TopicCursors): void;
  /** The page woke up or came back online: verify the link now, replace it if dead. */
  check(): void;
  close(): void;
}

/** Timings and limits, every one a setting; defaults from DESIGN.md. */
export interface RealtimeTimings {
  wsConnectTimeoutMs: number;
  wsAttemptsBeforeFallback: number;
  wsRetryDelayMs: number;
  reconnectBaseMs: number;
  reconnectMaxMs: number;
  /** A link that ends sooner than this after becoming ready counts as a failed attempt. */
  stableAfterMs: number;
  sseFirstEventTimeoutMs: number;
  sseFailuresBeforeFallback: number;
  /** On wake, an SSE stream silent this long is reopened (its heartbeats are invisible). */
  sseStaleAfterMs: number;
  probeIntervalMs: number;
  probeMaxIntervalMs: number;
  rememberRungMs: number;
  pingTimeoutMs: number;
  pollingMaxIntervalMs: number;
  pollingHiddenFactor: number;
  pollingIdleFactor: number;
}

export const DEFAULT_TIMINGS: RealtimeTimings = {
  wsConnectTimeoutMs: 10_000,
  wsAttemptsBeforeFallback: 3,
  wsRetryDelayMs: 3_000,
  reconnectBaseMs: 1_000,
  reconnectMaxMs: 30_000,
  stableAfterMs: 10_000,
  sseFirstEventTimeoutMs: 5_000,
  sseFailuresBeforeFallback: 2,
  sseStaleAfterMs: 45_000,
  probeIntervalMs: 60_000,
  probeMaxIntervalMs: 10 * 60_000,
  rememberRungMs: 24 * 3600_000,
  pingTimeoutMs: 5_000,
  pollingMaxIntervalMs: 60_000,
  pollingHiddenFactor: 2,
  pollingIdleFactor: 1.5,
};
