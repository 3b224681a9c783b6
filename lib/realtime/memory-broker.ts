import crypto from "node:crypto";
import { DEFAULT_HISTORY, type Broker, type BrokerListener, type HistoryLimits, type PublishRequest } from "./broker";
import type { Cursor, Envelope, ResumeResult, TopicKind } from "./envelope";

interface TopicLog {
  epoch: string;
  seq: number;
  /** Stream history, oldest first; for a state topic at most the latest value. */
  messages: Envelope[];
  /** Index of the oldest live entry in `messages` (cheap dropping from the front). */
  head: number;
}

export const newEpoch = () => crypto.randomBytes(6).toString("base64url");

/**
 * History in this process's memory: a restart loses it, so the process gets a fresh epoch
 * (one for all its topics) and clients learn (recovered: false) that a gap may exist.
 */
export class MemoryBroker implements Broker {
  readonly name = "memory" as const;
  readonly epoch = newEpoch();
  private readonly logs = new Map<string, TopicLog>();
  private readonly listeners = new Set<BrokerListener>();

  constructor(
    private readonly limits: HistoryLimits = DEFAULT_HISTORY,
    private readonly now: () => number = Date.now,
  ) {}

  async publish(requests: PublishRequest[]): Promise<Envelope[]> {
    const published: Envelope[] = [];
    for (const req of requests) {
      const log = this.log(req.key);
      const envelope: Envelope = { type: "data", topic: req.topic, epoch: log.epoch, seq: ++log.seq, ts: req.ts, data: req.data };
      if (req.kind === "state") {
        log.messages = [envelope];
        log.head = 0;
      } else {
        log.messages.push(envelope);
        this.trim(log);
      }
      published.push(envelope);
      const frame = JSON.stringify(envelope);
      for (const listener of this.listeners) listener(req.key, envelope, frame);
    }
    return published;
  }

  async read(key: string, kind: TopicKind, since: Cursor | undefined, recentLimit: number): Promise<ResumeResult> {
    // Reading never creates a log: readers cannot make memory grow by asking for new names.
    const log = this.logs.get(key) ?? { epoch: this.epoch, seq: 0, messages: [], head: 0 };
    if (kind === "stream") this.trim(log);
    const held = log.messages.slice(log.head);
    const base = { epoch: log.epoch, seq: log.seq };
    if (since && since.epoch === log.epoch && since.seq <= log.seq) {
      const oldest = held[0]?.seq ?? log.seq + 1;
      // Nothing missed, or everything missed is still held.
      if (since.seq === log.seq || oldest <= since.seq + 1) {
        return { ...base, recovered: true, messages: held.filter((m) => m.seq > since.seq) };
      }
    }
    return { ...base, recovered: false, messages: kind === "state" ? held : held.slice(-recentLimit) };
  }

  onMessage(listener: BrokerListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async health(): Promise<void> {}

  /** One instance: it always holds every lease. */
  async lease(): Promise<boolean> {
    return true;
  }

  async releaseLease(): Promise<void> {}

  async close(): Promise<void> {
    this.listeners.clear();
  }

  private log(key: string): TopicLog {
    let log = this.logs.get(key);
    if (!log) {
      log = { epoch: this.epoch, seq: 0, messages: [], head: 0 };
      this.logs.set(key, log);
    }
    return log;
  }

  private trim(log: TopicLog): void {
    const minTs = this.now() - this.limits.maxAgeMs;
    const minHead = log.messages.length - this.limits.maxCount;
    while (log.head < log.messages.length && (log.head < minHead || log.messages[log.head]!.ts < minTs)) log.head++;
    // Compact once the dropped prefix outweighs what is kept.
    if (log.head > 64 && log.head * 2 > log.messages.length) {
      log.messages = log.messages.slice(log.head);
      log.head = 0;
    }
  }
}
