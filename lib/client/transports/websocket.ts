import type { Envelope } from "../../realtime/envelope";
import { CloseCode, type ServerMessage } from "../../realtime/protocol";
import type { RealtimeTimings, TopicCursors, Transport, TransportEnd, TransportEvents } from "./transport";

type Incoming = ServerMessage | { type: "batch"; messages: ServerMessage[] };

/** Maps a close code of the contract to what the ladder should do. */
export function endForClose(code: number, reason: string, welcomed: boolean): TransportEnd {
  switch (code) {
    case CloseCode.unauthenticated:
      return { kind: "unauthenticated", reason: "Session expired" };
    case CloseCode.forbidden:
      return { kind: "forbidden", reason: reason || "This account may not connect" };
    case CloseCode.modeChanged:
      return { kind: "mode_changed", reason: "Realtime mode changed" };
    case CloseCode.tooMany:
      return { kind: "server_busy", reason: "Server asked to slow down", retryAfterMs: 30_000 };
    case CloseCode.goingAway:
      return { kind: "server_busy", reason: "Server restarting" };
    default:
      return {
        kind: "failed",
        reason: welcomed ? `WebSocket connection lost (code ${code})` : `WebSocket could not connect (code ${code})`,
      };
  }
}

/**
 * WebSocket: one socket, subscriptions by message, app-level ping/pong for liveness (a browser
 * cannot see protocol pings) and round-trip time.
 */
export class WebSocketTransport implements Transport {
  readonly name = "websocket" as const;
  private socket?: WebSocket;
  private events?: TransportEvents;
  private topics: TopicCursors = new Map();
  private readonly subscribed = new Set<string>();
  private welcomed = false;
  private ended = false;
  private connectTimer?: ReturnType<typeof setTimeout>;
  private heartbeatTimer?: ReturnType<typeof setInterval>;
  private pongTimer?: ReturnType<typeof setTimeout>;
  private pingSentAt?: number;
  private nextId = 1;

  constructor(
    private readonly url: string,
    private readonly timings: Pick<RealtimeTimings, "wsConnectTimeoutMs" | "pingTimeoutMs">,
    private readonly Socket: typeof WebSocket = WebSocket,
  ) {}

  open(topics: TopicCursors, events: TransportEvents): void {
    this.topics = topics;
    this.events = events;
    const socket = new this.Socket(this.url);
    this.socket = socket;
    this.connectTimer = setTimeout(
      () => this.fail({ kind: "failed", reason: `No WebSocket welcome within ${this.timings.wsConnectTimeoutMs / 1000} s` }),
      this.timings.wsConnectTimeoutMs,
    );
    socket.onmessage = (ev) => this.receive(ev.data);
    socket.onclose = (ev) => this.fail(endForClose(ev.code, ev.reason, this.welcomed));
    // onerror is always followed by onclose, which carries the code.
  }

  setTopics(topics: TopicCursors): void {
    this.topics = topics;
    if (!this.welcomed) return;
    for (const topic of this.subscribed) {
      if (!topics.has(topic)) {
        this.send({ type: "unsubscribe", topic });
        this.subscribed.delete(topic);
      }
    }
    for (const topic of topics.keys()) if (!this.subscribed.has(topic)) this.subscribe(topic);
  }

  check(): void {
    if (!this.welcomed) return;
    this.ping();
  }

  close(): void {
    this.ended = true;
    this.stopTimers();
    const socket = this.socket;
    if (socket && socket.readyState <= 1) socket.close(CloseCode.normal, "client closed");
  }

  private receive(raw: unknown): void {
    if (typeof raw !== "string") return;
    let msg: Incoming;
    try {
      msg = JSON.parse(raw) as Incoming;
    } catch {
      return;
    }
    if (msg.type === "batch") msg.messages.forEach((m) => this.handle(m));
    else this.handle(msg);
  }

  private handle(msg: ServerMessage): void {
    const events = this.events!;
    this.clearPongWait();
    switch (msg.type) {
      case "welcome":
        this.welcomed = true;
        clearTimeout(this.connectTimer);
        this.heartbeatTimer = setInterval(() => this.ping(), msg.heartbeatMs);
        events.ready({ settings: msg.settings });
        if (!this.ended) for (const topic of this.topics.keys()) this.subscribe(topic);
        return;
      case "subscribed":
        return events.subscribed(msg.topic, { epoch: msg.epoch, seq: msg.seq, recovered: msg.recovered });
      case "data":
        return events.message(msg as Envelope);
      case "error":
        if (msg.topic) {
          this.subscribed.delete(msg.topic);
          events.topicError(msg.topic, msg.code, msg.message);
        }
        return;
      case "pong":
        if (this.pingSentAt !== undefined) events.latency(performance.now() - this.pingSentAt);
        this.pingSentAt = undefined;
        return;
      case "settings":
        return events.settings({ mode: msg.mode, pollingIntervalMs: msg.pollingIntervalMs });
      case "resync":
        // We fell behind: resubscribe from our cursor and recover from history.
        if (this.topics.has(msg.topic)) this.subscribe(msg.topic);
        return;
    }
  }

  private subscribe(topic: string): void {
    this.subscribed.add(topic);
    const since = this.topics.get(topic);
    this.send({ type: "subscribe", id: `s${this.nextId++}`, topic, ...(since ? { since } : {}) });
  }

  /** A ping the server must answer; any message counts as the answer. */
  private ping(): void {
    if (this.pongTimer) return;
    this.pingSentAt = performance.now();
    this.send({ type: "ping", id: `p${this.nextId++}` });
    this.pongTimer = setTimeout(
      () => this.fail({ kind: "failed", reason: "The server stopped answering", immediate: true }),
      this.timings.pingTimeoutMs,
    );
  }

  private clearPongWait(): void {
    clearTimeout(this.pongTimer);
    this.pongTimer = undefined;
  }

  private send(message: object): void {
    if (this.socket?.readyState === 1) this.socket.send(JSON.stringify(message));
  }

  private fail(how: TransportEnd): void {
    if (this.ended) return;
    this.close();
    this.events?.end(how);
  }

  private stopTimers(): void {
    clearTimeout(this.connectTimer);
    clearInterval(this.heartbeatTimer);
    this.clearPongWait();
  }
}
