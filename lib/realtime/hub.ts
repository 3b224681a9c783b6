import type { Broker } from "./broker";
import type { Cursor, Envelope, ResumeResult } from "./envelope";
import type { RealtimeMetrics } from "./metrics";
import type { RealtimeSettingsPayload } from "./protocol";
import { TopicRegistry, type ResolvedTopic } from "./topics";

/** Receives a topic's live messages; `frame` is the envelope's JSON, shared by all sinks. */
export type Sink = (envelope: Envelope, frame: string) => void;

export interface Subscription {
  readonly topic: ResolvedTopic;
  /** Where the topic stood and what was missed, including anything published while subscribing. */
  readonly resume: ResumeResult;
  close(): void;
}

export interface PublishItem {
  topic: string;
  data: unknown;
  /** For per-user topics (notifications): whose. */
  userId?: string;
}

export class UnknownTopicError extends Error {}

/** Per-user control messages, delivered to every connection of that user on every instance. */
export type ControlMessage =
  | { type: "settings"; mode: RealtimeSettingsPayload["mode"]; pollingIntervalMs: number }
  | { type: "account_disabled" }
  /** Role changed: what the user may read changed, so links re-authenticate. */
  | { type: "session_changed" };

const controlKey = (userId: string) => `user.${userId}.control`;

export interface HubOptions {
  /** How many recent stream messages a subscriber without a usable cursor receives. */
  recentLimit: number;
}

/**
 * Topics, cursors and fanout. Producers and the publish API call `publish`; every transport
 * calls `subscribe` with the client's cursor and gets the same resume result and live feed.
 */
export class Hub {
  private readonly sinks = new Map<string, Set<Sink>>();
  private readonly stopListening: () => void;

  constructor(
    readonly broker: Broker,
    readonly topics: TopicRegistry,
    readonly metrics: RealtimeMetrics,
    private readonly opts: HubOptions = { recentLimit: 100 },
  ) {
    this.stopListening = broker.onMessage((key, envelope, frame) => this.fanout(key, envelope, frame));
  }

  /** Publishes in order; trusted callers only (authorization is the API's job). */
  async publish(items: PublishItem[]): Promise<Envelope[]> {
    const requests = items.map((item) => {
      const rule = this.topics.find(item.topic);
      if (!rule) throw new UnknownTopicError(`No topic named ${item.topic}.`);
      const key = item.userId ? this.topics.userKey(item.topic, item.userId) : item.topic;
      return { key, topic: item.topic, kind: rule.kind, data: item.data, ts: Date.now() };
    });
    const published = await this.broker.publish(requests);
    this.metrics.messagesIn.inc(published.length);
    return published;
  }

  async publishOne(topic: string, data: unknown, userId?: string): Promise<Envelope> {
    const [envelope] = await this.publish([{ topic, data, userId }]);
    return envelope!;
  }

  /**
   * Resumes from `since` and feeds `sink` every later message. The sink is attached before
   * history is read, and what arrives meanwhile is folded into the result, so there is no gap
   * between history and live and no duplicate.
   */
  async subscribe(topic: ResolvedTopic, since: Cursor | undefined, sink: Sink): Promise<Subscription> {
    const early: Array<[Envelope, string]> = [];
    let live = false;
    const entry: Sink = (envelope, frame) => (live ? sink(envelope, frame) : early.push([envelope, frame]));
    this.attach(topic.key, entry);
    let resume: ResumeResult;
    try {
      resume = await this.broker.read(topic.key, topic.kind, since, this.opts.recentLimit);
    } catch (err) {
      this.detach(topic.key, entry);
      throw err;
    }
    const messages = [...resume.messages];
    let seq = resume.seq;
    for (const [envelope] of early) {
      if (envelope.epoch !== resume.epoch || envelope.seq <= seq) continue;
      if (topic.kind === "state") messages.length = 0;
      messages.push(envelope);
      seq = envelope.seq;
    }
    live = true;
    let closed = false;
    return {
      topic,
      resume: { ...resume, seq, messages },
      close: () => {
        if (closed) return;
        closed = true;
        this.detach(topic.key, entry);
      },
    };
  }

  /** Tells every open connection of a user, on any instance, e.g. that their settings changed. */
  async notifyUser(userId: string, message: ControlMessage): Promise<void> {
    await this.broker.publish([{ key: controlKey(userId), topic: "control", kind: "state", data: message, ts: Date.now() }]);
  }

  /** Control messages for one user's connection; returns the unsubscribe. */
  onUserControl(userId: string, listener: (message: ControlMessage) => void): () => void {
    const key = controlKey(userId);
    const sink: Sink = (envelope) => listener(envelope.data as ControlMessage);
    this.attach(key, sink);
    return () => this.detach(key, sink);
  }

  /** A one-shot read for polling: the resume rule without a live feed. */
  read(topic: ResolvedTopic, since: Cursor | undefined): Promise<ResumeResult> {
    return this.broker.read(topic.key, topic.kind, since, this.opts.recentLimit);
  }

  /** Live sinks per history key, for stats and leak checks. */
  sinkCount(): number {
    let n = 0;
    for (const set of this.sinks.values()) n += set.size;
    return n;
  }

  async close(): Promise<void> {
    this.stopListening();
    this.sinks.clear();
    await this.broker.close();
  }

  private attach(key: string, sink: Sink) {
    let set = this.sinks.get(key);
    if (!set) this.sinks.set(key, (set = new Set()));
    set.add(sink);
  }

  private detach(key: string, sink: Sink) {
    const set = this.sinks.get(key);
    if (!set) return;
    set.delete(sink);
    if (set.size === 0) this.sinks.delete(key);
  }

  private fanout(key: string, envelope: Envelope, frame: string) {
    const set = this.sinks.get(key);
    if (!set) return;
    for (const sink of set) {
      try {
        sink(envelope, frame);
      } catch {
        // One subscriber's failure must not stop delivery to the others.
        this.metrics.errors.inc({ kind: "sink" });
      }
    }
  }
}
