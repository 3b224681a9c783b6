import type { QueryClient } from "@tanstack/react-query";
import type { Envelope } from "../realtime/envelope";
import type { RealtimeSettingsPayload } from "../realtime/protocol";
import { topicKind } from "../realtime/topics";
import { CursorBook } from "./cursor-book";
import { Ladder, type LadderNotice } from "./ladder";
import type { LadderEnv } from "./ladder-env";
import { DEFAULT_STREAM_LIMIT, mergeSnapshot, topicQueryKey, type TopicSnapshot } from "./topic-snapshot";
import type { RealtimeTimings, TransportName } from "./transports/transport";

export type FallbackNotice = Extract<LadderNotice, { type: "fallback" }>;

/**
 * Joins the ladder to the React Query cache: components retain topics, live messages are
 * written into the cache with setQueryData, and a possible gap triggers a refetch.
 */
export class RealtimeClient {
  readonly cursors = new CursorBook();
  readonly ladder: Ladder;
  private readonly retained = new Map<string, { count: number; limit: number }>();
  private readonly fallbackListeners = new Set<(n: FallbackNotice) => void>();

  constructor(
    private readonly queryClient: QueryClient,
    settings: RealtimeSettingsPayload,
    env: LadderEnv,
    timings: RealtimeTimings,
  ) {
    this.ladder = new Ladder(env, this.cursors, (n) => this.onNotice(n), settings, timings);
  }

  /** Keeps a topic subscribed while at least one component wants it. */
  retain(topic: string, limit = DEFAULT_STREAM_LIMIT): () => void {
    const entry = this.retained.get(topic);
    if (entry) {
      entry.count++;
      entry.limit = Math.max(entry.limit, limit);
    } else {
      this.retained.set(topic, { count: 1, limit });
      this.cursors.add(topic);
      this.ladder.topicsChanged();
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const e = this.retained.get(topic);
      if (!e || --e.count > 0) return;
      this.retained.delete(topic);
      this.cursors.remove(topic);
      this.ladder.topicsChanged();
    };
  }

  onFallback(listener: (n: FallbackNotice) => void): () => void {
    this.fallbackListeners.add(listener);
    return () => this.fallbackListeners.delete(listener);
  }

  /** Writes fetched or received messages into the topic's cache entry. */
  write(topic: string, messages: Envelope[], via: TransportName | "rest"): TopicSnapshot {
    const kind = topicKind(topic) ?? "stream";
    const limit = this.retained.get(topic)?.limit ?? DEFAULT_STREAM_LIMIT;
    return this.queryClient.setQueryData<TopicSnapshot>(topicQueryKey(topic), (prev) =>
      mergeSnapshot(prev, messages, kind, limit, via, Date.now()),
    )!;
  }

  private onNotice(notice: LadderNotice): void {
    switch (notice.type) {
      case "message":
        this.write(notice.envelope.topic, [notice.envelope], this.ladder.status.transport ?? "rest");
        return;
      case "gap":
        void this.queryClient.invalidateQueries({ queryKey: topicQueryKey(notice.topic) });
        return;
      case "fallback":
        for (const listener of this.fallbackListeners) listener(notice);
        return;
    }
  }
}
