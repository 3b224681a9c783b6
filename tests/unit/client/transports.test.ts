import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PollingSchedule } from "@/lib/client/transports/polling-schedule";
import { PollingTransport } from "@/lib/client/transports/polling";
import { SseTransport } from "@/lib/client/transports/sse";
import { DEFAULT_TIMINGS, type TransportEvents } from "@/lib/client/transports/transport";
import { WebSocketTransport } from "@/lib/client/transports/websocket";
import { decodeCursorToken } from "@/lib/realtime/cursor-token";

function recorder() {
  const log: Array<[string, unknown]> = [];
  const events: TransportEvents = {
    ready: (i) => log.push(["ready", i]),
    subscribed: (t, s) => log.push(["subscribed", { t, ...s }]),
    message: (e) => log.push(["message", e.seq]),
    topicError: (t, c) => log.push(["topicError", { t, c }]),
    settings: (s) => log.push(["settings", s]),
    latency: () => {},
    end: (how) => log.push(["end", how]),
  };
  return { log, events, kinds: () => log.map(([k]) => k) };
}

class FakeSocket {
  static last: FakeSocket;
  readyState = 0;
  sent: any[] = [];
  onmessage?: (ev: { data: unknown }) => void;
  onclose?: (ev: { code: number; reason: string }) => void;
  constructor(readonly url: string) {
    FakeSocket.last = this;
  }
  send(s: string) {
    this.sent.push(JSON.parse(s));
  }
  close() {
    this.readyState = 3;
  }
  serverSends(m: object) {
    this.readyState = 1;
    this.onmessage?.({ data: JSON.stringify(m) });
  }
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("WebSocketTransport", () => {
  const open = (topics = new Map<string, any>()) => {
    const r = recorder();
    const t = new WebSocketTransport("ws://x/api/v1/ws", DEFAULT_TIMINGS, FakeSocket as unknown as typeof WebSocket);
    t.open(topics, r.events);
    return { t, r, socket: FakeSocket.last };
  };
  const welcome = { type: "welcome", connectionId: "c", heartbeatMs: 25_000, serverTime: 0, settings: { mode: "auto", pollingIntervalMs: 5000 } };

  it("fails when no welcome arrives within the connect timeout", () => {
    const { r } = open();
    vi.advanceTimersByTime(9_999);
    expect(r.kinds()).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(r.log).toEqual([["end", { kind: "failed", reason: "No WebSocket welcome within 10 s" }]]);
  });

  it("subscribes every topic with its cursor after welcome and unpacks batches in order", () => {
    const { r, socket } = open(new Map([["signals", { epoch: "e", seq: 7 }], ["monitoring", undefined]]));
    socket.serverSends(welcome);
    expect(socket.sent.map((m) => [m.type, m.topic, m.since])).toEqual([
      ["subscribe", "signals", { epoch: "e", seq: 7 }],
      ["subscribe", "monitoring", undefined],
    ]);
    socket.serverSends({ type: "batch", messages: [1, 2, 3].map((seq) => ({ type: "data", topic: "signals", epoch: "e", seq, ts: 0, data: null })) });
    expect(r.log.filter(([k]) => k === "message").map(([, v]) => v)).toEqual([1, 2, 3]);
  });

  it("maps the contract's close codes", () => {
    for (const [code, kind] of [[4401, "unauthenticated"], [4403, "forbidden"], [4409, "mode_changed"], [4429, "server_busy"], [1001, "server_busy"], [1006, "failed"]] as const) {
      const { r, socket } = open();
      socket.onclose?.({ code, reason: "" });
      expect((r.log[0]![1] as { kind: string }).kind).toBe(kind);
    }
  });

  it("resubscribes from its cursor when told to resync", () => {
    const topics = new Map([["signals", { epoch: "e", seq: 1 }]]);
    const { socket } = open(topics);
    socket.serverSends(welcome);
    topics.set("signals", { epoch: "e", seq: 40 });
    socket.serverSends({ type: "resync", topic: "signals", reason: "slow_consumer" });
    expect(socket.sent.at(-1)).toMatchObject({ type: "subscribe", topic: "signals", since: { epoch: "e", seq: 40 } });
  });

  it("declares the link dead at once when a check's ping goes unanswered", () => {
    const { t, r, socket } = open();
    socket.serverSends(welcome);
    t.check();
    expect(socket.sent.at(-1)).toMatchObject({ type: "ping" });
    vi.advanceTimersByTime(5_000);
    expect(r.log.at(-1)).toEqual(["end", { kind: "failed", reason: "The server stopped answering", immediate: true }]);
  });
});

class FakeEventSource {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSED = 2;
  static last: FakeEventSource;
  readyState = 0;
  listeners = new Map<string, Array<(ev: Event) => void>>();
  constructor(readonly url: string) {
    FakeEventSource.last = this;
  }
  addEventListener(type: string, fn: (ev: Event) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }
  close() {
    this.readyState = 2;
  }
  emit(type: string, data?: object) {
    this.readyState = 1;
    const ev = data ? new MessageEvent(type, { data: JSON.stringify(data) }) : new Event(type);
    for (const fn of this.listeners.get(type) ?? []) fn(ev);
  }
}

describe("SseTransport", () => {
  const open = (topics = new Map<string, any>([["signals", { epoch: "e", seq: 3 }]])) => {
    const r = recorder();
    const t = new SseTransport("/api/v1/sse", DEFAULT_TIMINGS, FakeEventSource as unknown as typeof EventSource);
    t.open(topics, r.events);
    return { t, r, source: FakeEventSource.last };
  };

  it("opens one stream for all topics with their cursors in the since token", () => {
    const { source } = open(new Map([["signals", { epoch: "e", seq: 3 }], ["monitoring", undefined]]));
    const url = new URL(source.url, "http://x");
    expect(url.searchParams.get("topics")).toBe("signals,monitoring");
    expect(decodeCursorToken(url.searchParams.get("since")!)).toEqual({ signals: { epoch: "e", seq: 3 } });
  });

  it("treats silence after opening as a buffering proxy and asks to fall back now", () => {
    const { r } = open();
    vi.advanceTimersByTime(5_000);
    expect(r.log).toEqual([["end", { kind: "failed", reason: "No event within 5 s: a proxy is buffering the stream", immediate: false, fallNow: true }]]);
  });

  it("is ready on the first event and tells a server error event from a connection error", () => {
    const { r, source } = open();
    source.emit("subscribed", { type: "subscribed", topic: "signals", epoch: "e", seq: 3, recovered: true });
    source.emit("error", { type: "error", topic: "admin.x", code: "forbidden", message: "no" });
    expect(r.kinds()).toEqual(["ready", "subscribed", "topicError"]);
    source.emit("error");
    expect(r.kinds()).toEqual(["ready", "subscribed", "topicError"]);
    source.emit("error");
    expect(r.log.at(-1)).toEqual(["end", { kind: "failed", reason: "The event stream keeps failing", immediate: false, fallNow: false }]);
  });
});

describe("SseTransport on wake", () => {
  it("reopens a stream that has been silent too long, resuming from the cursors", () => {
    const r = recorder();
    const t = new SseTransport("/api/v1/sse", DEFAULT_TIMINGS, FakeEventSource as unknown as typeof EventSource);
    t.open(new Map([["signals", { epoch: "e", seq: 3 }]]), r.events);
    const first = FakeEventSource.last;
    first.emit("welcome", { type: "welcome", connectionId: "c", heartbeatMs: 15_000, serverTime: 0, settings: { mode: "auto", pollingIntervalMs: 5000 } });
    t.check();
    expect(FakeEventSource.last).toBe(first);
    vi.advanceTimersByTime(46_000);
    t.check();
    expect(FakeEventSource.last).not.toBe(first);
    expect(first.readyState).toBe(2);
    expect(r.log.some(([k]) => k === "end")).toBe(false);
  });
});

describe("PollingSchedule", () => {
  const s = () => new PollingSchedule(5_000, DEFAULT_TIMINGS);
  it("polls monitoring and strategies every 5 s, signals 10 s, capacity 30 s at the default interval", () => {
    const sched = s();
    expect(["monitoring", "strategies", "signals", "capacity", "market.AAPL"].map((t) => sched.intervalFor(t, false))).toEqual([5_000, 5_000, 10_000, 30_000, 5_000]);
  });
  it("doubles while hidden and stretches ×1.5 while unchanged, capped at 60 s", () => {
    const sched = s();
    expect(sched.intervalFor("signals", true)).toBe(20_000);
    const intervals: number[] = [];
    for (let i = 0; i < 8; i++) {
      sched.polled(["signals"], new Set(), 0, false);
      intervals.push(sched.intervalFor("signals", false));
    }
    expect(intervals).toEqual([15_000, 22_500, 33_750, 50_625, 60_000, 60_000, 60_000, 60_000]);
    sched.polled(["signals"], new Set(["signals"]), 0, false);
    expect(sched.intervalFor("signals", false)).toBe(10_000);
  });
});

describe("PollingTransport", () => {
  it("fetches all due topics in one request, then sends If-None-Match and accepts 304", async () => {
    const calls: Array<{ url: string; headers: Record<string, string> }> = [];
    let status = 200;
    const fetchFn = vi.fn(async (url: string, init: RequestInit) => {
      calls.push({ url, headers: init.headers as Record<string, string> });
      const body = { since: "x", serverTime: 0, topics: { monitoring: { epoch: "e", seq: 1, recovered: false, messages: [{ type: "data", topic: "monitoring", epoch: "e", seq: 1, ts: 0, data: {} }] }, strategies: { epoch: "e", seq: 0, recovered: false, messages: [] } } };
      return new Response(status === 304 ? null : JSON.stringify(body), { status, headers: { ETag: '"v1"' } });
    });
    const r = recorder();
    const topics = new Map<string, any>([["monitoring", undefined], ["strategies", undefined]]);
    const t = new PollingTransport("/api/v1/realtime/batch", 5_000, DEFAULT_TIMINGS, { fetch: fetchFn as unknown as typeof fetch, hidden: () => false, settingsPath: "/s" });
    t.open(topics, r.events);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
    expect(new URL(calls[0]!.url, "http://x").searchParams.get("topics")).toBe("monitoring,strategies");
    expect(r.kinds()).toEqual(["ready", "subscribed", "message", "subscribed"]);
    status = 304;
    topics.set("monitoring", { epoch: "e", seq: 1 });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(calls).toHaveLength(2);
    t.check();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(3);
    t.close();
  });

  it("with no topic open, follows the user's settings instead of polling the batch", async () => {
    const urls: string[] = [];
    const fetchFn = async (url: string) => {
      urls.push(url);
      return new Response(JSON.stringify({ mode: "polling", pollingIntervalMs: 5_000, locked: false }), { status: 200 });
    };
    const r = recorder();
    const t = new PollingTransport("/b", 5_000, DEFAULT_TIMINGS, { fetch: fetchFn as unknown as typeof fetch, hidden: () => false, settingsPath: "/s" });
    t.open(new Map(), r.events);
    await vi.advanceTimersByTimeAsync(0);
    expect(r.log).toEqual([["ready", { settings: { mode: "polling", pollingIntervalMs: 5_000 } }]]);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(urls).toEqual(["/s", "/s"]);
    t.close();
  });

  it("reports 401 as unauthenticated and 429 with its Retry-After", async () => {
    for (const [status, expected] of [[401, { kind: "unauthenticated" }], [429, { kind: "server_busy", retryAfterMs: 7_000 }]] as const) {
      const r = recorder();
      const t = new PollingTransport("/b", 5_000, DEFAULT_TIMINGS, {
        fetch: (async () => new Response("{}", { status, headers: { "Retry-After": "7" } })) as unknown as typeof fetch,
        hidden: () => false,
        settingsPath: "/s",
      });
      t.open(new Map([["signals", undefined]]), r.events);
      await vi.advanceTimersByTimeAsync(0);
      expect(r.log.at(-1)![1]).toMatchObject(expected);
    }
  });
});
