import type { Envelope, TopicKind } from "../realtime/envelope";
import type { TransportName } from "./transports/transport";

/** What the React Query cache holds for one topic: the UI's single source of truth. */
export interface TopicSnapshot<T = unknown> {
  /** The newest message (for a state topic, the value). */
  latest?: Envelope<T>;
  /** Stream topics: recent messages, oldest first, bounded. State topics: [latest]. */
  items: Envelope<T>[];
  /** When this browser last received something for the topic. */
  receivedAt?: number;
  /** How the newest message arrived ("rest" for a fetch outside the live link). */
  via?: TransportName | "rest";
}

export const DEFAULT_STREAM_LIMIT = 200;

export const topicQueryKey = (topic: string) => ["realtime", topic] as const;

/**
 * Folds messages into a snapshot: ordered by seq within an epoch, no duplicates, a new epoch
 * starts over, streams keep the last `limit`.
 */
export function mergeSnapshot<T>(
  prev: TopicSnapshot<T> | undefined,
  incoming: Envelope<T>[],
  kind: TopicKind,
  limit: number,
  via: TopicSnapshot["via"],
  now: number,
): TopicSnapshot<T> {
  if (incoming.length === 0) return prev ?? { items: [] };
  const newest = incoming.reduce((a, b) => (b.epoch !== a.epoch || b.seq > a.seq ? b : a));
  if (kind === "state") {
    const keep = prev?.latest && prev.latest.epoch === newest.epoch && prev.latest.seq >= newest.seq ? prev.latest : newest;
    return { latest: keep, items: [keep], receivedAt: now, via };
  }
  const epoch = newest.epoch;
  const bySeq = new Map<number, Envelope<T>>();
  for (const m of prev?.items ?? []) if (m.epoch === epoch) bySeq.set(m.seq, m);
  for (const m of incoming) if (m.epoch === epoch) bySeq.set(m.seq, m);
  const items = [...bySeq.values()].sort((a, b) => a.seq - b.seq).slice(-limit);
  return { latest: items[items.length - 1], items, receivedAt: now, via };
}
