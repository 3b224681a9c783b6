import type { Envelope } from "../../realtime/envelope";
import type { ServerMessage } from "../../realtime/protocol";
import { sinceToken, topicsUrl } from "./since-token";
import type { RealtimeTimings, TopicCursors, Transport, TransportEvents } from "./transport";

/**
 * Server-Sent Events: one stream for all topics. The browser's own reconnect resumes every
 * topic through Last-Event-ID; a topic change reopens the stream with the current cursors.
 */
export class SseTransport implements Transport {
  readonly name = "sse" as const;
  private source?: EventSource;
  private events?: TransportEvents;
  private topics: TopicCursors = new Map();
  private readyOnce = false;
  private ended = false;
  /** Errors since the last event: the stream failing twice in a row means it doesn't work here. */
  private errorsInARow = 0;
  private firstEventTimer?: ReturnType<typeof setTimeout>;
  private lastHeardAt = 0;

  constructor(
    private readonly path: string,
    private readonly timings: Pick<RealtimeTimings, "sseFirstEventTimeoutMs" | "sseFailuresBeforeFallback" | "sseStaleAfterMs">,
    private readonly Source: typeof EventSource = EventSource,
  ) {}

  open(topics: TopicCursors, events: TransportEvents): void {
    this.topics = topics;
    this.events = events;
    this.connect();
  }

  setTopics(topics: TopicCursors): void {
    const before = [...this.topics.keys()].sort().join(",");
    this.topics = topics;
    if (!this.ended && [...topics.keys()].sort().join(",") !== before) this.connect();
  }

  check(): void {
    if (this.ended || !this.source) return;
    // A stream the browser gave up on is replaced now.
    if (this.source.readyState === this.Source.CLOSED) return this.fail("The event stream was closed", true);
    // Heartbeats are comments, invisible here; after a long silence (a frozen or sleeping
    // page) the socket may be dead while still "open": reopen, resuming from the cursors.
    if (Date.now() - this.lastHeardAt > this.timings.sseStaleAfterMs) this.connect();
  }

  close(): void {
    this.ended = true;
    clearTimeout(this.firstEventTimer);
    this.source?.close();
  }

  private connect(): void {
    this.source?.close();
    clearTimeout(this.firstEventTimer);
    const url = topicsUrl(this.path, this.topics.keys(), sinceToken(this.topics));
    const source = new this.Source(url, { withCredentials: true });
    this.source = source;
    // Nothing at all within the timeout: a proxy is holding the stream back.
    this.firstEventTimer = setTimeout(() => {
      this.fail(`No event within ${this.timings.sseFirstEventTimeoutMs / 1000} s: a proxy is buffering the stream`, false, true);
    }, this.timings.sseFirstEventTimeoutMs);

    const on = (type: string, handle: (msg: ServerMessage) => void) =>
      source.addEventListener(type, (ev) => {
        if (source !== this.source || !(ev instanceof MessageEvent) || typeof ev.data !== "string") return;
        this.heard();
        let msg: ServerMessage;
        try {
          msg = JSON.parse(ev.data) as ServerMessage;
        } catch {
          return;
        }
        handle(msg);
      });
    const events = this.events!;
    on("welcome", (m) => m.type === "welcome" && events.settings(m.settings));
    on("subscribed", (m) => m.type === "subscribed" && events.subscribed(m.topic, { epoch: m.epoch, seq: m.seq, recovered: m.recovered }));
    on("data", (m) => events.message(m as Envelope));
    on("settings", (m) => m.type === "settings" && events.settings({ mode: m.mode, pollingIntervalMs: m.pollingIntervalMs }));
    on("error", (m) => m.type === "error" && m.topic && events.topicError(m.topic, m.code, m.message));
    on("resync", () => this.connect());
    source.addEventListener("error", (ev) => {
      if (source !== this.source || ev instanceof MessageEvent) return;
      this.errorsInARow++;
      if (source.readyState === this.Source.CLOSED) this.fail("The event stream was refused");
      else if (this.errorsInARow >= this.timings.sseFailuresBeforeFallback) this.fail("The event stream keeps failing");
    });
  }

  /** Any event proves the stream flows. */
  private heard(): void {
    this.lastHeardAt = Date.now();
    this.errorsInARow = 0;
    clearTimeout(this.firstEventTimer);
    if (!this.readyOnce) {
      this.readyOnce = true;
      this.events?.ready({});
    }
  }

  private fail(reason: string, immediate = false, fallNow = false): void {
    if (this.ended) return;
    this.close();
    this.events?.end({ kind: "failed", reason, immediate, fallNow });
  }
}
