import type { Cursor, Envelope, ResumeResult, TopicKind } from "./envelope";

/**
 * Where cursors are assigned and history lives: the only place that knows whether that is
 * this process's memory or Redis shared by several instances. Every call may fail (a Redis
 * outage); callers turn failures into `unavailable` errors rather than losing track.
 */
export interface PublishRequest {
  /** History key (see ResolvedTopic.key). */
  key: string;
  /** Public topic name the envelope carries. */
  topic: string;
  kind: TopicKind;
  data: unknown;
  ts: number;
}

/** A published message as every instance receives it; `frame` is its JSON, made once. */
export type BrokerListener = (key: string, envelope: Envelope, frame: string) => void;

export interface HistoryLimits {
  /** Stream topics keep at most this many messages… */
  maxCount: number;
  /** …and none older than this. */
  maxAgeMs: number;
}

export const DEFAULT_HISTORY: HistoryLimits = { maxCount: 1_000, maxAgeMs: 10 * 60_000 };

export interface Broker {
  readonly name: "memory" | "redis";
  /** Assigns cursors in order, stores, and delivers to every instance's listeners. */
  publish(requests: PublishRequest[]): Promise<Envelope[]>;
  /**
   * The resume rule of the contract: with `since` in the same epoch and `since.seq + 1` still
   * held, the missed messages and `recovered: true`; otherwise the latest value (state) or the
   * last `recentLimit` messages (stream) and `recovered: false`.
   */
  read(key: string, kind: TopicKind, since: Cursor | undefined, recentLimit: number): Promise<ResumeResult>;
  onMessage(listener: BrokerListener): () => void;
  /** Rejects when the store behind the broker cannot be reached. */
  health(): Promise<void>;
  /**
   * Takes or renews a named lease for this instance for `ttlMs`: true while this instance
   * holds it. With several instances only one holds it at a time (who runs the producers).
   */
  lease(name: string, ttlMs: number): Promise<boolean>;
  /** Gives a held lease up at once (graceful shutdown), so another instance takes over. */
  releaseLease(name: string): Promise<void>;
  close(): Promise<void>;
}
