import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Envelope } from "@/lib/realtime/envelope";
import { harness } from "./fake-env";

const env = (topic: string, seq: number, epoch = "e1"): Envelope => ({ type: "data", topic, epoch, seq, ts: 0, data: seq });
const fail = (reason = "dropped", extra = {}) => ({ kind: "failed" as const, reason, ...extra });

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("Ladder: down", () => {
  it("starts on WebSocket and goes live on welcome", () => {
    const h = harness();
    h.ladder.start();
    expect(h.last().name).toBe("websocket");
    h.last().events.ready({});
    expect(h.ladder.status).toMatchObject({ state: "live", transport: "websocket" });
  });

  it("falls to SSE after 3 failed WebSocket attempts, retried about 3 s apart", () => {
    const h = harness();
    h.ladder.start();
    h.last().events.end(fail("No WebSocket welcome within 10 s"));
    expect(h.ladder.status.state).toBe("reconnecting");
    expect(h.created).toHaveLength(1);
    vi.advanceTimersByTime(2_000);
    expect(h.created).toHaveLength(1);
    vi.advanceTimersByTime(1_500);
    expect(h.created).toHaveLength(2);
    h.last().events.end(fail());
    vi.advanceTimersByTime(3_500);
    h.last().events.end(fail("upgrade refused"));
    expect(h.last().name).toBe("sse");
    expect(h.ladder.status.fallbackReason).toBe("upgrade refused");
    expect(h.notices).toContainEqual({ type: "fallback", from: "websocket", to: "sse", reason: "upgrade refused" });
  });

  it("reconnects a dying established socket with backoff, then falls to SSE after 3 failed reconnects", () => {
    const h = harness();
    h.ladder.start();
    h.last().events.ready({});
    vi.advanceTimersByTime(60_000);
    h.last().events.end(fail("connection lost"));
    expect(h.ladder.status.state).toBe("reconnecting");
    vi.advanceTimersByTime(1_000); // full jitter of 1 s with random 0.5 → 500 ms
    expect(h.created).toHaveLength(2);
    h.last().events.end(fail());
    vi.advanceTimersByTime(1_000); // 0.5 × 2 s
    expect(h.created).toHaveLength(3);
    h.last().events.end(fail());
    expect(h.last().name).toBe("sse");
  });

  it("falls from SSE to polling at once when no first event arrives (buffering proxy)", async () => {
    const h = harness({}, { rung: "sse", at: Date.now() });
    h.ladder.start();
    expect(h.last().name).toBe("sse");
    h.last().events.end(fail("No event within 5 s", { fallNow: true }));
    await vi.advanceTimersByTimeAsync(0);
    expect(h.last().name).toBe("polling");
  });

  it("falls from SSE to polling when the stream fails twice", async () => {
    const h = harness({}, { rung: "sse", at: Date.now() });
    h.ladder.start();
    h.last().events.ready({});
    vi.advanceTimersByTime(1_000);
    h.last().events.end(fail("stream error"));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(h.last().name).toBe("sse");
    h.last().events.end(fail("stream error"));
    await vi.advanceTimersByTimeAsync(0);
    expect(h.last().name).toBe("polling");
  });

  it("on 4401 refreshes the session and reconnects on the same rung instead of falling back", async () => {
    const h = harness();
    h.ladder.start();
    h.last().events.end({ kind: "unauthenticated", reason: "Session expired" });
    await vi.advanceTimersByTimeAsync(0);
    expect(h.env.refreshSession).toHaveBeenCalledOnce();
    expect(h.created.map((t) => t.name)).toEqual(["websocket", "websocket"]);
    expect(h.env.signedOutCalls).toBe(0);
  });

  it("sends a signed-out user to sign-in", async () => {
    const h = harness();
    h.env.sessionValid = false;
    h.ladder.start();
    h.last().events.end({ kind: "unauthenticated", reason: "Session expired" });
    await vi.advanceTimersByTimeAsync(0);
    expect(h.ladder.status.state).toBe("signed_out");
    expect(h.env.signedOutCalls).toBe(1);
    vi.advanceTimersByTime(120_000);
    expect(h.created).toHaveLength(1);
  });

  it("checks the session before blaming the network when SSE fails to open", async () => {
    const h = harness({ mode: "sse" });
    h.env.sessionValid = false;
    h.ladder.start();
    h.last().events.end(fail("The event stream was refused"));
    await vi.advanceTimersByTimeAsync(0);
    expect(h.ladder.status.state).toBe("signed_out");
  });

  it("goes offline without a retry storm and resumes at once when the network returns", async () => {
    const h = harness();
    h.ladder.start();
    h.last().events.ready({});
    h.env.isOnline = false;
    h.last().events.end(fail("network down"));
    await vi.advanceTimersByTimeAsync(0);
    expect(h.ladder.status.state).toBe("offline");
    await vi.advanceTimersByTimeAsync(20_000);
    expect(h.created).toHaveLength(1);
    h.env.isOnline = true;
    h.ladder.wake("network back");
    expect(h.created).toHaveLength(2);
    expect(h.last().name).toBe("websocket");
  });

  it("starts offline when the browser is offline", () => {
    const h = harness();
    h.env.isOnline = false;
    h.ladder.start();
    expect(h.ladder.status.state).toBe("offline");
    expect(h.created).toHaveLength(0);
  });

  it("says offline when every polling attempt fails, backing off", async () => {
    const h = harness({}, { rung: "polling", at: Date.now() });
    h.ladder.start();
    for (let i = 0; i < 3; i++) {
      h.last().events.end(fail("The server could not be reached"));
      await vi.advanceTimersByTimeAsync(0);
      if (i < 2) await vi.advanceTimersByTimeAsync(30_000);
    }
    expect(h.ladder.status.state).toBe("offline");
    const before = h.created.length;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.created.length).toBe(before);
  });
});

describe("Ladder: up", () => {
  it("probes WebSocket after 60 s on SSE and switches with no gap and no duplicate", () => {
    const h = harness({}, { rung: "sse", at: Date.now() });
    h.cursors.add("signals");
    h.ladder.start();
    const sse = h.last();
    sse.events.ready({});
    sse.events.subscribed("signals", { epoch: "e1", seq: 0, recovered: false });
    sse.events.message(env("signals", 1));
    sse.events.message(env("signals", 2));
    vi.advanceTimersByTime(59_000);
    expect(h.created).toHaveLength(1);
    vi.advanceTimersByTime(1_000);
    const ws = h.last();
    expect(ws.name).toBe("websocket");
    expect(ws.topics.get("signals")).toEqual({ epoch: "e1", seq: 2 });
    expect(h.ladder.status.probing).toBe(true);
    // Both links deliver for a moment: the cursor book keeps each message once.
    sse.events.message(env("signals", 3));
    ws.events.ready({});
    ws.events.subscribed("signals", { epoch: "e1", seq: 2, recovered: true });
    ws.events.message(env("signals", 3));
    ws.events.message(env("signals", 4));
    expect(sse.closed).toBe(true);
    expect(h.ladder.status).toMatchObject({ state: "live", transport: "websocket", probing: false, fallbackReason: undefined });
    const seqs = h.notices.flatMap((n) => (n.type === "message" ? [n.envelope.seq] : []));
    expect(seqs).toEqual([1, 2, 3, 4]);
    expect(h.notices.some((n) => n.type === "gap")).toBe(false);
  });

  it("backs off failed probes from 60 s, doubling to at most 10 minutes", () => {
    const h = harness({}, { rung: "sse", at: Date.now() });
    h.ladder.start();
    h.last().events.ready({});
    const probeTimes: number[] = [];
    const t0 = Date.now();
    for (let i = 0; i < 6; i++) {
      const before = h.created.length;
      while (h.created.length === before) vi.advanceTimersByTime(1_000);
      probeTimes.push(Math.round((Date.now() - t0) / 1000));
      h.last().events.end(fail("upgrade refused"));
    }
    const gaps = probeTimes.map((t, i) => t - (probeTimes[i - 1] ?? 0));
    expect(gaps).toEqual([60, 120, 240, 480, 600, 600]);
    expect(h.ladder.status.transport).toBe("sse");
  });

  it("from polling, tries WebSocket then SSE in one probe", () => {
    const h = harness({}, { rung: "polling", at: Date.now() });
    h.ladder.start();
    h.last().events.ready({});
    vi.advanceTimersByTime(60_000);
    expect(h.last().name).toBe("websocket");
    h.last().events.end(fail());
    expect(h.last().name).toBe("sse");
    h.last().events.ready({});
    expect(h.ladder.status.transport).toBe("sse");
  });

  it("Retry WebSocket probes at once", () => {
    const h = harness({}, { rung: "polling", at: Date.now() });
    h.ladder.start();
    h.last().events.ready({});
    h.ladder.retryWebSocket();
    expect(h.last().name).toBe("websocket");
    h.last().events.ready({});
    expect(h.ladder.status.transport).toBe("websocket");
  });
});

describe("Ladder: memory and mode", () => {
  it("remembers the rung that worked for 24 h", () => {
    const first = harness();
    first.ladder.start();
    first.last().events.end(fail());
    vi.advanceTimersByTime(4_000);
    first.last().events.end(fail());
    vi.advanceTimersByTime(4_000);
    first.last().events.end(fail());
    first.last().events.ready({});
    expect(first.env.stored?.rung).toBe("sse");

    const again = harness({}, first.env.stored);
    again.ladder.start();
    expect(again.last().name).toBe("sse");

    const stale = harness({}, { rung: "sse", at: Date.now() - 25 * 3600_000 });
    stale.ladder.start();
    expect(stale.last().name).toBe("websocket");
  });

  it("never leaves a forced mode: failures show as failures", async () => {
    const h = harness({ mode: "websocket" });
    h.ladder.start();
    for (let i = 0; i < 3; i++) {
      h.last().events.end(fail("upgrade refused"));
      await vi.advanceTimersByTimeAsync(4_000);
    }
    expect(h.created.every((t) => t.name === "websocket")).toBe(true);
    h.last().events.end(fail("upgrade refused"));
    await vi.advanceTimersByTimeAsync(0);
    expect(h.ladder.status).toMatchObject({ state: "failed", reason: "upgrade refused" });
  });

  it("does not probe upward outside auto mode", () => {
    const h = harness({ mode: "polling" });
    h.ladder.start();
    h.last().events.ready({});
    vi.advanceTimersByTime(30 * 60_000);
    expect(h.created).toHaveLength(1);
  });

  it("switches at once on a settings message, and back to WebSocket on auto", () => {
    const h = harness();
    h.ladder.start();
    const ws = h.last();
    ws.events.ready({});
    ws.events.settings({ mode: "polling", pollingIntervalMs: 10_000 });
    expect(ws.closed).toBe(true);
    expect(h.last().name).toBe("polling");
    expect(h.ladder.status.settings).toEqual({ mode: "polling", pollingIntervalMs: 10_000 });
    expect(h.notices.some((n) => n.type === "fallback")).toBe(false);
    h.last().events.ready({});
    h.last().events.settings({ mode: "auto", pollingIntervalMs: 10_000 });
    expect(h.last().name).toBe("websocket");
  });

  it("applies the welcome's settings before going live", () => {
    const h = harness();
    h.ladder.start();
    h.last().events.ready({ settings: { mode: "sse", pollingIntervalMs: 5_000 } });
    expect(h.last().name).toBe("sse");
  });

  it("restarts the polling rung when the interval changes", () => {
    const h = harness({ mode: "polling" });
    h.ladder.start();
    h.last().events.ready({});
    h.ladder.applySettings({ mode: "polling", pollingIntervalMs: 20_000 });
    expect(h.created).toHaveLength(2);
    expect(h.created[0]!.closed).toBe(true);
  });
});

describe("Ladder: page lifecycle and server hints", () => {
  it("checks a live link when the page wakes, and replaces a dead one without penalty", () => {
    const h = harness();
    h.ladder.start();
    h.last().events.ready({});
    h.ladder.wake("tab visible");
    expect(h.last().checks).toBe(1);
    h.last().events.end(fail("The server stopped answering", { immediate: true }));
    expect(h.created).toHaveLength(2);
  });

  it("cuts a pending backoff short when the page wakes", () => {
    const h = harness();
    h.ladder.start();
    h.last().events.ready({});
    vi.advanceTimersByTime(60_000);
    h.last().events.end(fail());
    expect(h.created).toHaveLength(1);
    h.ladder.wake("page resumed");
    expect(h.created).toHaveLength(2);
  });

  it("honours Retry-After and spreads reconnects after a server restart", () => {
    const h = harness();
    h.ladder.start();
    h.last().events.ready({});
    h.last().events.end({ kind: "server_busy", reason: "busy", retryAfterMs: 30_000 });
    vi.advanceTimersByTime(29_000);
    expect(h.created).toHaveLength(1);
    vi.advanceTimersByTime(1_000);
    expect(h.created).toHaveLength(2);
    h.last().events.ready({});
    h.last().events.end({ kind: "server_busy", reason: "Server restarting" });
    vi.advanceTimersByTime(1_999); // random 0.5 of up to 4 s
    expect(h.created).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(h.created).toHaveLength(3);
  });

  it("stops for good on 4403", () => {
    const h = harness();
    h.ladder.start();
    h.last().events.end({ kind: "forbidden", reason: "Account disabled" });
    vi.advanceTimersByTime(600_000);
    expect(h.created).toHaveLength(1);
    expect(h.ladder.status).toMatchObject({ state: "failed", reason: "Account disabled" });
  });
});
