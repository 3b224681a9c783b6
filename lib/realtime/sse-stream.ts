import crypto from "node:crypto";
import type { Logger } from "pino";
import { encodeCursorToken, type CursorMap } from "./cursor-token";
import type { Envelope } from "./envelope";
import type { ControlMessage, Hub, Subscription } from "./hub";
import { liveConnections } from "./live-connections";
import type { RealtimeSettingsPayload, ServerMessage } from "./protocol";
import { sseComment, sseEvent, sseMessage, sseRetry } from "./sse-format";
import type { TopicRefusal } from "./topic-request";
import type { ResolvedTopic } from "./topics";

export interface SseStreamOptions {
  hub: Hub;
  userId: string;
  topics: ResolvedTopic[];
  /** Topics the caller asked for and may not read: each gets an `error` event. */
  refused: TopicRefusal[];
  /** Cursors to resume from, by topic name (from Last-Event-ID or `since`). */
  since: CursorMap;
  settings: RealtimeSettingsPayload;
  /** The request's signal: aborted when the client disconnects. */
  signal: AbortSignal;
  /** Aborted when the server begins a graceful shutdown. */
  shutdown: AbortSignal;
  heartbeatMs: number;
  retryMs: number;
  /** Bytes queued for the client past which the stream stops growing (see `deliver`). */
  maxBufferBytes: number;
  log: Logger;
}

/** Modes in which a client may use SSE; in any other the stream says `settings` and ends. */
export function sseAllowed(mode: RealtimeSettingsPayload["mode"]): boolean {
  return mode === "auto" || mode === "sse";
}

interface TopicFeed {
  topic: ResolvedTopic;
  /** False until the `subscribed` event and the resumed messages are written. */
  ready: boolean;
  /** Live messages that arrived before then. */
  early: Array<[Envelope, string]>;
}

export type SseCloseReason = "client_gone" | "cancelled" | "shutdown" | "mode_changed" | "account_disabled" | "session_changed" | "slow_consumer";

/**
 * One SSE stream: the contract's events for a fixed set of topics, each `data` event carrying
 * an `id:` that holds the cursors of every topic of the stream, so a reconnect with
 * Last-Event-ID resumes them all.
 *
 * Bounded: the bytes waiting for the client are the stream's queue (a byte-length queuing
 * strategy, watched through `desiredSize`). Past `maxBufferBytes` a state topic keeps only its
 * latest value until the client catches up, and a stream topic that would lose a message gets
 * a `resync` event and the stream ends, so the browser reconnects from its Last-Event-ID and
 * recovers from history: nothing grows without bound and nothing is lost silently.
 *
 * Everything it holds (hub sinks, the control listener, timers, signal listeners) is released
 * the moment it closes, whatever the reason.
 */
export class SseStream {
  readonly stream: ReadableStream<Uint8Array>;
  readonly connectionId = crypto.randomUUID();
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private readonly encoder = new TextEncoder();
  private readonly cursors: CursorMap = {};
  private readonly feeds = new Map<string, TopicFeed>();
  private readonly subscriptions: Subscription[] = [];
  /** State-topic messages held back while the client is behind, newest per topic. */
  private readonly held = new Map<string, [Envelope, string]>();
  private readonly cleanups: Array<() => void> = [];
  private closed = false;
  /**
   * Bytes of resumed history written at subscribe time. They are queued regardless (history is
   * bounded) and widen the bound by as much, so a reconnect that replays a lot is not taken
   * for a slow client.
   */
  private replayBytes = 0;
  private readonly openedAt = Date.now();
  private readonly log: Logger;

  constructor(private readonly opts: SseStreamOptions) {
    this.log = opts.log.child({ connectionId: this.connectionId, userId: opts.userId, transport: "sse" });
    this.stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller;
        },
        pull: () => this.releaseHeld(),
        cancel: () => this.close("cancelled"),
      },
      new ByteLengthQueuingStrategy({ highWaterMark: opts.maxBufferBytes }),
    );
    this.opts.hub.metrics.connections.inc({ transport: "sse" });
    this.cleanups.push(liveConnections().openSse(opts.userId));
    this.listen(opts.signal, () => this.close("client_gone"));
    this.listen(opts.shutdown, () => this.close("shutdown"));
    this.cleanups.push(opts.hub.onUserControl(opts.userId, (m) => this.onControl(m)));
    const heartbeat = setInterval(() => this.heartbeat(), opts.heartbeatMs);
    this.cleanups.push(() => clearInterval(heartbeat));
    void this.open().catch((err: unknown) => {
      this.log.error({ err }, "sse stream failed");
      this.opts.hub.metrics.errors.inc({ kind: "sse" });
      this.close("cancelled");
    });
  }

  private listen(signal: AbortSignal, onAbort: () => void) {
    if (signal.aborted) return queueMicrotask(onAbort);
    signal.addEventListener("abort", onAbort, { once: true });
    this.cleanups.push(() => signal.removeEventListener("abort", onAbort));
  }

  private async open() {
    const { hub, settings, topics } = this.opts;
    this.write(sseRetry(this.opts.retryMs));
    // The immediate first event: a client that sees nothing within seconds is behind a
    // buffering proxy, not on a quiet topic.
    this.send({ type: "welcome", connectionId: this.connectionId, heartbeatMs: this.opts.heartbeatMs, serverTime: Date.now(), settings });
    if (!sseAllowed(settings.mode)) {
      this.send({ type: "settings", ...settings });
      return this.close("mode_changed");
    }
    for (const r of this.opts.refused) this.send({ type: "error", topic: r.topic, code: r.code, message: r.message });

    for (const topic of topics) this.feeds.set(topic.name, { topic, ready: false, early: [] });
    const results = await Promise.allSettled(
      topics.map((topic) => hub.subscribe(topic, this.opts.since[topic.name], (envelope, frame) => this.onLive(topic.name, envelope, frame))),
    );
    for (const r of results) if (r.status === "fulfilled") this.subscriptions.push(r.value);
    if (this.closed) {
      // The client left while we subscribed.
      for (const s of this.subscriptions) s.close();
      return;
    }
    hub.metrics.subscriptions.inc({ transport: "sse" }, this.subscriptions.length);

    results.forEach((result, i) => {
      const topic = topics[i]!;
      const feed = this.feeds.get(topic.name)!;
      if (result.status === "rejected") {
        this.feeds.delete(topic.name);
        hub.metrics.errors.inc({ kind: "subscribe" });
        this.log.warn({ err: result.reason, topic: topic.name }, "sse subscribe failed");
        this.send({ type: "error", topic: topic.name, code: "unavailable", message: `${topic.name} is unavailable; reconnect to retry.` });
        return;
      }
      const { resume } = result.value;
      const since = this.opts.since[topic.name];
      if (resume.recovered && since) this.cursors[topic.name] = since;
      this.send({ type: "subscribed", topic: topic.name, epoch: resume.epoch, seq: resume.seq, recovered: resume.recovered });
      const before = this.queuedBytes();
      for (const m of resume.messages) this.sendData(m, JSON.stringify(m));
      this.replayBytes += this.queuedBytes() - before;
      // Anything up to resume.seq was sent or is gone from history (recovered: false says so).
      this.cursors[topic.name] = { epoch: resume.epoch, seq: resume.seq };
      feed.ready = true;
      for (const [envelope, frame] of feed.early.splice(0)) this.deliver(feed, envelope, frame);
    });
  }

  private onLive(name: string, envelope: Envelope, frame: string) {
    const feed = this.feeds.get(name);
    if (!feed || this.closed) return;
    if (!feed.ready) feed.early.push([envelope, frame]);
    else this.deliver(feed, envelope, frame);
  }

  private deliver(feed: TopicFeed, envelope: Envelope, frame: string) {
    const name = feed.topic.name;
    const c = this.cursors[name];
    if (c && c.epoch === envelope.epoch && envelope.seq <= c.seq) return;
    if (!this.behind() && !this.held.has(name)) {
      this.sendData(envelope, frame);
      this.opts.hub.metrics.deliveryLatency.observe({ transport: "sse" }, Math.max(0, Date.now() - envelope.ts) / 1000);
      return;
    }
    if (feed.topic.kind === "state") {
      if (this.held.has(name)) this.opts.hub.metrics.coalesced.inc();
      this.held.set(name, [envelope, frame]);
      return;
    }
    this.opts.hub.metrics.resynced.inc();
    this.log.info({ topic: name, queuedBytes: this.queuedBytes() }, "sse client too slow; resync");
    this.send({ type: "resync", topic: name, reason: "slow_consumer" });
    this.close("slow_consumer");
  }

  /** Called by the stream when its queue is below the high-water mark: send what was held back. */
  private releaseHeld() {
    for (const [name, [envelope, frame]] of this.held) {
      if (this.behind()) return;
      this.held.delete(name);
      this.sendData(envelope, frame);
    }
  }

  private onControl(message: ControlMessage) {
    if (message.type === "settings") {
      const { mode, pollingIntervalMs } = message;
      this.send({ type: "settings", mode, pollingIntervalMs });
      if (!sseAllowed(mode)) this.close("mode_changed");
    } else if (message.type === "account_disabled") {
      this.send({ type: "error", code: "forbidden", message: "This account is disabled." });
      this.close("account_disabled");
    } else {
      // The browser reconnects at once (Last-Event-ID) and every topic is authorized anew.
      this.close("session_changed");
    }
  }

  private heartbeat() {
    // A client that is behind has data waiting already; a comment would only add to it.
    if (!this.behind()) this.write(sseComment("heartbeat"));
  }

  private sendData(envelope: Envelope, frame: string) {
    this.cursors[envelope.topic] = { epoch: envelope.epoch, seq: envelope.seq };
    this.write(sseEvent("data", frame, encodeCursorToken(this.cursors)));
    this.opts.hub.metrics.messagesOut.inc({ transport: "sse" });
  }

  private send(message: Exclude<ServerMessage, Envelope>) {
    this.write(sseMessage(message));
  }

  private write(text: string) {
    if (this.closed) return;
    this.controller.enqueue(this.encoder.encode(text));
  }

  private behind(): boolean {
    return this.queuedBytes() >= this.opts.maxBufferBytes + this.replayBytes;
  }

  private queuedBytes(): number {
    return this.opts.maxBufferBytes - (this.controller.desiredSize ?? 0);
  }

  /** Ends the stream (what is queued still goes out) and releases everything at once. */
  close(reason: SseCloseReason) {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.subscriptions) s.close();
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.feeds.clear();
    this.held.clear();
    const { metrics } = this.opts.hub;
    metrics.connections.dec({ transport: "sse" });
    metrics.subscriptions.dec({ transport: "sse" }, this.subscriptions.length);
    this.subscriptions.length = 0;
    try {
      this.controller.close();
    } catch {
      // Already cancelled by the consumer.
    }
    this.log.debug({ reason, durationMs: Date.now() - this.openedAt }, "sse stream closed");
  }
}
