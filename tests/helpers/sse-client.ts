/**
 * A Server-Sent Events client for tests that follows the WHATWG parsing rules ("Server-sent
 * events", §9.2.6): UTF-8 with an optional BOM, lines ended by CRLF, LF or CR (also split
 * across chunks), comments, `field: value` with one optional space, multi-line `data`, `id`
 * (ignored when it contains NULL), `retry` (digits only), and dispatch on a blank line, where
 * the last event id is set even when no event fires.
 */
export interface SseEvent {
  /** `event:` or "message". */
  type: string;
  data: string;
  /** The stream's last event id at dispatch, as EventSource reports it. */
  lastEventId: string;
}

export interface SseParserHandlers {
  onEvent?: (event: SseEvent) => void;
  onComment?: (text: string) => void;
  onRetry?: (ms: number) => void;
}

export class SseParser {
  lastEventId = "";
  private pending = "";
  private sawFirstChunk = false;
  /** The previous chunk ended with CR: an LF starting this one belongs to that line end. */
  private skipLeadingLf = false;
  private data = "";
  private dataSeen = false;
  private type = "";
  private idBuffer = "";

  constructor(private readonly handlers: SseParserHandlers = {}) {}

  /** Feeds decoded text; complete lines are processed at once. */
  feed(text: string): void {
    if (!this.sawFirstChunk && text.length > 0) {
      this.sawFirstChunk = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.skipLeadingLf && text.startsWith("\n")) text = text.slice(1);
    this.skipLeadingLf = false;
    const buffer = this.pending + text;
    let start = 0;
    for (let i = 0; i < buffer.length; i++) {
      const ch = buffer[i];
      if (ch !== "\n" && ch !== "\r") continue;
      this.line(buffer.slice(start, i));
      if (ch === "\r") {
        if (i + 1 < buffer.length) {
          if (buffer[i + 1] === "\n") i++;
        } else {
          this.skipLeadingLf = true;
        }
      }
      start = i + 1;
    }
    this.pending = buffer.slice(start);
  }

  private line(line: string) {
    if (line === "") return this.dispatch();
    if (line.startsWith(":")) return this.handlers.onComment?.(line.slice(1).replace(/^ /, ""));
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "event":
        this.type = value;
        break;
      case "data":
        this.data += `${value}\n`;
        this.dataSeen = true;
        break;
      case "id":
        if (!value.includes("\u0000")) this.idBuffer = value;
        break;
      case "retry":
        if (/^\d+$/.test(value)) this.handlers.onRetry?.(Number(value));
        break;
      default:
      // Unknown fields are ignored.
    }
  }

  private dispatch() {
    this.lastEventId = this.idBuffer;
    if (!this.dataSeen) {
      this.type = "";
      return;
    }
    const event: SseEvent = { type: this.type || "message", data: this.data.slice(0, -1), lastEventId: this.lastEventId };
    this.data = "";
    this.dataSeen = false;
    this.type = "";
    this.handlers.onEvent?.(event);
  }
}

export interface SseConnectOptions {
  headers?: Record<string, string>;
  /** Last-Event-ID to send, as a reconnecting EventSource does. */
  lastEventId?: string;
}

/**
 * One SSE request over fetch. Events queue up; `next()` takes them in order. `close()` aborts
 * the request (a client disconnect, as the server sees it).
 */
export class SseConnection {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  retry: number | undefined;
  ended = false;
  private readonly abort = new AbortController();
  private readonly parser = new SseParser({
    onEvent: (e) => {
      this.events.push(e);
      this.wake();
    },
    onComment: (c) => {
      this.comments.push(c);
      this.wake();
    },
    onRetry: (ms) => (this.retry = ms),
  });
  private cursor = 0;
  private waiters: Array<() => void> = [];
  private failure: unknown;

  private constructor(readonly response: Response) {}

  static async open(url: string, opts: SseConnectOptions = {}): Promise<SseConnection> {
    const headers: Record<string, string> = { accept: "text/event-stream", ...opts.headers };
    if (opts.lastEventId !== undefined) headers["last-event-id"] = opts.lastEventId;
    const abort = new AbortController();
    const response = await fetch(url, { headers, signal: abort.signal });
    const conn = new SseConnection(response);
    conn.abort.signal.addEventListener("abort", () => abort.abort());
    if (response.ok && response.body) void conn.pump(response.body);
    else conn.ended = true;
    return conn;
  }

  /** The last event id the stream set (what a reconnect sends as Last-Event-ID). */
  get lastEventId(): string {
    return this.parser.lastEventId;
  }

  private async pump(body: ReadableStream<Uint8Array>) {
    const decoder = new TextDecoder();
    const reader = body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch (err) {
      if (!this.abort.signal.aborted) this.failure = err;
    } finally {
      this.ended = true;
      this.wake();
    }
  }

  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Waits until `ready()` holds, or throws after `timeoutMs`. */
  async until(ready: () => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ready()) {
      if (this.failure) throw this.failure;
      if (this.ended) {
        if (ready()) return;
        throw new Error(`stream ended while waiting for ${what}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${this.events.length} events so far)`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The next event not yet taken (optionally of one type, skipping others). */
  async next(type?: string, timeoutMs = 10_000): Promise<SseEvent> {
    const find = () => {
      while (this.cursor < this.events.length) {
        const e = this.events[this.cursor++]!;
        if (!type || e.type === type) return e;
      }
      return undefined;
    };
    let found: SseEvent | undefined;
    await this.until(() => (found ??= find()) !== undefined, timeoutMs, `a ${type ?? "any"} event`);
    return found!;
  }

  /** Waits for the server to end the stream. */
  async closedByServer(timeoutMs = 10_000): Promise<void> {
    await this.until(() => this.ended, timeoutMs, "the end of the stream");
  }

  close(): void {
    this.abort.abort();
  }
}
