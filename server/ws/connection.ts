import crypto from "node:crypto";
import type { Logger } from "pino";
import type { RawData, WebSocket } from "ws";
import type { SessionUser } from "../../lib/auth/session-user";
import type { TopicKind } from "../../lib/realtime/envelope";
import type { ControlMessage, Hub, Subscription } from "../../lib/realtime/hub";
import { CloseCode, type ClientMessage, type ErrorCode, type RealtimeSettingsPayload, type ServerMessage, type SubscribeMessage } from "../../lib/realtime/protocol";
import { TokenBucket } from "../../lib/realtime/token-bucket";
import { Conflator } from "./conflator";
import { envelopeBytes, messageBytes } from "./frames";
import { parseClientFrame } from "./inbound";
import { OutboundQueue, type QueuedMessage } from "./outbound-queue";

export interface ConnectionLimits {
  heartbeatMs: number;
  maxSubscriptions: number;
  inboundRate: number;
  inboundBurst: number;
  /** Consecutive rate-limited messages after which the connection is closed with 4429. */
  abuseLimit: number;
  sendBufferBytes: number;
  /** false: one frame per message, no `batch` frames (bench/ws-fanout.ts compares); default true. */
  batching?: boolean;
}

export interface ConnectionDeps {
  hub: Hub;
  limits: ConnectionLimits;
  log: Logger;
  /** Called once, when the socket has closed and everything is released. */
  onClosed?: (connection: Connection, code: number) => void;
}

export interface ConnectionMeta {
  remoteAddress?: string;
  userAgent?: string;
}

/** What the admin console shows of one connection. */
export interface ConnectionInfo {
  id: string;
  userId: string;
  email: string;
  openedAt: number;
  remoteAddress?: string;
  userAgent?: string;
  topics: string[];
  queuedBytes: number;
  bufferedAmount: number;
}

interface ActiveSubscription {
  topic: string;
  kind: TopicKind;
  hub?: Subscription;
  conflator?: Conflator<QueuedMessage>;
  /** False until `subscribed` and the resume messages are queued; live messages wait meanwhile. */
  ready: boolean;
  early: QueuedMessage[];
}

/** Modes in which a user may use this transport; others get welcome (or settings), then 4409. */
export const allowsWebSocket = (mode: RealtimeSettingsPayload["mode"]) => mode === "auto" || mode === "websocket";

/**
 * One client's side of the protocol: every inbound frame validated and rate-limited, requests
 * handled in order (subscribe / unsubscribe / ping), live topic messages through the bounded
 * outbound queue, and the user's control messages (settings, account disabled).
 */
export class Connection {
  readonly id = crypto.randomBytes(9).toString("base64url");
  readonly openedAt = Date.now();
  private readonly subs = new Map<string, ActiveSubscription>();
  private readonly queue: OutboundQueue;
  private readonly bucket: TokenBucket;
  private readonly log: Logger;
  private readonly stopControl: () => void;
  /** Control messages that arrive before `welcome` wait for it. */
  private heldControl: ControlMessage[] | undefined = [];
  private requests: Promise<void>;
  private release!: () => void;
  private pendingRequests = 0;
  private limitedInARow = 0;
  private closing = false;
  private closed = false;

  constructor(
    private readonly ws: WebSocket,
    readonly user: SessionUser,
    private readonly deps: ConnectionDeps,
    private readonly meta: ConnectionMeta = {},
  ) {
    const { limits, hub } = deps;
    const metrics = hub.metrics;
    this.log = deps.log.child({ connectionId: this.id, userId: user.id });
    this.bucket = new TokenBucket(limits.inboundRate, limits.inboundBurst);
    this.requests = new Promise<void>((resolve) => (this.release = resolve));
    const delivered = metrics.messagesOut.labels({ transport: "websocket" });
    const latency = metrics.deliveryLatency.labels({ transport: "websocket" });
    this.queue = new OutboundQueue(
      { get bufferedAmount() { return ws.bufferedAmount; }, send: (frame, done) => ws.send(frame, { binary: false }, done) },
      { budgetBytes: limits.sendBufferBytes, batching: limits.batching },
      {
        written: (messages) => {
          const now = Date.now();
          let n = 0;
          for (const m of messages) {
            if (m.ts === undefined) continue;
            n++;
            if (!m.replayed) latency.observe(Math.max(0, now - m.ts) / 1000);
          }
          if (n > 0) delivered.inc(n);
        },
        coalesced: () => metrics.coalesced.inc(),
        resynced: (topic) => {
          metrics.resynced.inc();
          this.log.info({ topic }, "slow consumer: resync sent");
        },
        overflow: () => {
          metrics.errors.inc({ kind: "send_overflow" });
          this.log.warn({ bufferedAmount: ws.bufferedAmount, queuedBytes: this.queue.queuedBytes }, "peer is not reading; terminating");
          ws.terminate();
        },
        failed: (err) => {
          metrics.errors.inc({ kind: "send" });
          this.log.debug({ err: err.message }, "send failed");
          ws.terminate();
        },
      },
    );
    ws.on("message", (data, isBinary) => this.onFrame(data, isBinary));
    ws.on("close", (code) => this.onClose(code));
    ws.on("error", (err: Error & { code?: string }) => {
      metrics.errors.inc({ kind: err.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH" ? "frame_too_big" : "socket" });
      this.log.debug({ err: err.message, code: err.code }, "socket error");
    });
    this.stopControl = hub.onUserControl(user.id, (message) => this.onControl(message));
    metrics.connections.inc({ transport: "websocket" });
    this.log.info({ remoteAddress: meta.remoteAddress }, "websocket open");
  }

  /** Sends `welcome` with the user's settings; then requests are served (or 4409 closes it). */
  start(settings: RealtimeSettingsPayload): void {
    if (this.closing) return;
    this.send({
      type: "welcome",
      connectionId: this.id,
      heartbeatMs: this.deps.limits.heartbeatMs,
      serverTime: Date.now(),
      settings: { mode: settings.mode, pollingIntervalMs: settings.pollingIntervalMs },
    });
    if (!allowsWebSocket(settings.mode)) {
      this.close(CloseCode.modeChanged, `realtime mode is ${settings.mode}`);
      return;
    }
    const held = this.heldControl ?? [];
    this.heldControl = undefined;
    for (const message of held) this.onControl(message);
    this.release();
  }

  /** Sends what is queued, then a close frame. */
  close(code: number, reason = ""): void {
    if (this.closing) return;
    this.closing = true;
    this.queue.end();
    try {
      this.ws.close(code, reason);
    } catch {
      this.ws.terminate();
    }
  }

  /** Drops the socket without a close handshake (the shutdown grace period is over). */
  terminate(): void {
    this.ws.terminate();
  }

  info(): ConnectionInfo {
    return {
      id: this.id,
      userId: this.user.id,
      email: this.user.email,
      openedAt: this.openedAt,
      remoteAddress: this.meta.remoteAddress,
      userAgent: this.meta.userAgent,
      topics: [...this.subs.keys()],
      queuedBytes: this.queue.queuedBytes,
      bufferedAmount: this.ws.bufferedAmount,
    };
  }

  private send(message: ServerMessage): void {
    this.queue.sendControl(messageBytes(message));
  }

  private fail(error: { id?: string; topic?: string; code: ErrorCode; message: string }): void {
    this.deps.hub.metrics.errors.inc({ kind: error.code });
    this.send({ type: "error", ...error });
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    if (this.closing) return;
    const parsed = parseClientFrame(data, isBinary);
    const id = parsed.ok ? parsed.message.id : parsed.id;
    const { limits } = this.deps;
    if (!this.bucket.take() || this.pendingRequests >= limits.inboundBurst) {
      if (++this.limitedInARow >= limits.abuseLimit) {
        this.deps.hub.metrics.errors.inc({ kind: "abuse" });
        this.log.warn({ limitedInARow: this.limitedInARow }, "inbound flood; closing");
        this.close(CloseCode.tooMany, "too many messages");
        return;
      }
      this.fail({ id, code: "rate_limited", message: "Too many messages; slow down." });
      return;
    }
    this.limitedInARow = 0;
    if (!parsed.ok) {
      this.fail({ id, topic: parsed.topic, code: "bad_request", message: parsed.message });
      return;
    }
    this.pendingRequests++;
    this.requests = this.requests
      .then(() => this.handle(parsed.message))
      .catch((err: unknown) => {
        this.deps.hub.metrics.errors.inc({ kind: "internal" });
        this.log.error({ err }, "request failed");
      })
      .finally(() => this.pendingRequests--);
  }

  private async handle(message: ClientMessage): Promise<void> {
    if (this.closing) return;
    switch (message.type) {
      case "ping":
        this.send({ type: "pong", id: message.id, serverTime: Date.now() });
        return;
      case "unsubscribe":
        this.drop(message.topic);
        return;
      case "subscribe":
        return this.subscribe(message);
    }
  }

  /** Subscribes, or replaces the subscription to the same topic (a resync re-subscribes). */
  private async subscribe({ id, topic, since, intervalMs }: SubscribeMessage): Promise<void> {
    const { hub, limits } = this.deps;
    if (!this.subs.has(topic) && this.subs.size >= limits.maxSubscriptions) {
      this.fail({ id, topic, code: "too_many_subscriptions", message: `At most ${limits.maxSubscriptions} subscriptions per connection.` });
      return;
    }
    this.drop(topic);
    const decision = await hub.topics.authorizeRead(topic, { userId: this.user.id, role: this.user.role });
    if (!decision.ok) {
      this.fail({ id, topic, code: decision.code, message: decision.message });
      return;
    }
    if (this.closing) return;
    const entry: ActiveSubscription = { topic, kind: decision.topic.kind, ready: false, early: [] };
    if (intervalMs !== undefined && entry.kind === "state") {
      entry.conflator = new Conflator<QueuedMessage>(
        intervalMs,
        (m) => this.queue.sendData(topic, "state", m.bytes, m.ts!, m.replayed),
        () => hub.metrics.coalesced.inc(),
      );
    }
    this.subs.set(topic, entry);
    hub.metrics.subscriptions.inc({ transport: "websocket" });
    let subscription: Subscription;
    try {
      subscription = await hub.subscribe(decision.topic, since, (envelope, frame) => {
        const message = { topic, bytes: envelopeBytes(envelope, frame), ts: envelope.ts };
        if (entry.ready) this.deliver(entry, message);
        else entry.early.push(message);
      });
    } catch (err) {
      this.log.warn({ err, topic }, "subscribe failed");
      if (this.subs.get(topic) === entry) this.drop(topic);
      this.fail({ id, topic, code: "unavailable", message: "The topic's history is unavailable; try again." });
      return;
    }
    // Unsubscribed or closed meanwhile.
    if (this.subs.get(topic) !== entry) {
      subscription.close();
      return;
    }
    entry.hub = subscription;
    const { epoch, seq, recovered, messages } = subscription.resume;
    this.send({ type: "subscribed", id, topic, epoch, seq, recovered });
    for (const m of messages) this.deliver(entry, { topic, bytes: messageBytes(m), ts: m.ts, replayed: true });
    entry.ready = true;
    for (const m of entry.early) this.deliver(entry, m);
    entry.early = [];
  }

  private deliver(entry: ActiveSubscription, message: QueuedMessage): void {
    if (entry.conflator) entry.conflator.push(message);
    else this.queue.sendData(entry.topic, entry.kind, message.bytes, message.ts!, message.replayed);
  }

  /** Ends a subscription and forgets its queued messages (unsubscribe needs no reply). */
  private drop(topic: string): void {
    const entry = this.subs.get(topic);
    if (entry) {
      this.subs.delete(topic);
      entry.hub?.close();
      entry.conflator?.close();
      this.deps.hub.metrics.subscriptions.dec({ transport: "websocket" });
    }
    this.queue.resetTopic(topic);
  }

  private onControl(message: ControlMessage): void {
    if (this.closing) return;
    if (this.heldControl) {
      this.heldControl.push(message);
      return;
    }
    if (message.type === "account_disabled") {
      this.close(CloseCode.forbidden, "account disabled");
      return;
    }
    if (message.type === "session_changed") {
      // The client refreshes its session and reconnects; subscriptions are authorized anew.
      this.close(CloseCode.unauthenticated, "session changed");
      return;
    }
    this.send({ type: "settings", mode: message.mode, pollingIntervalMs: message.pollingIntervalMs });
    if (!allowsWebSocket(message.mode)) this.close(CloseCode.modeChanged, `realtime mode is ${message.mode}`);
  }

  private onClose(code: number): void {
    if (this.closed) return;
    this.closed = true;
    this.closing = true;
    this.queue.close();
    for (const topic of [...this.subs.keys()]) this.drop(topic);
    this.stopControl();
    this.release();
    this.deps.hub.metrics.connections.dec({ transport: "websocket" });
    this.log.info({ code, lifetimeMs: Date.now() - this.openedAt }, "websocket closed");
    this.deps.onClosed?.(this, code);
  }
}
