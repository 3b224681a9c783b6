import { describe, expect, it } from "vitest";
import { CursorBook } from "@/lib/client/cursor-book";
import { mergeSnapshot } from "@/lib/client/topic-snapshot";
import type { Envelope } from "@/lib/realtime/envelope";

const m = (seq: number, epoch = "e1", topic = "signals"): Envelope => ({ type: "data", topic, epoch, seq, ts: 0, data: seq });

describe("CursorBook", () => {
  it("drops duplicates and old messages, accepts a new epoch", () => {
    const book = new CursorBook();
    book.add("signals");
    expect([1, 2, 2, 1, 3].map((s) => book.accept(m(s)))).toEqual([true, true, false, false, true]);
    expect(book.view.get("signals")).toEqual({ epoch: "e1", seq: 3 });
    expect(book.subscribed("signals", { epoch: "e2", seq: 10, recovered: false })).toBe(true);
    expect(book.accept(m(1, "e2"))).toBe(true);
    expect(book.accept(m(5, "other", "unknown"))).toBe(false);
  });

  it("flags a gap only when a held cursor could not be recovered", () => {
    const book = new CursorBook();
    book.add("signals");
    expect(book.subscribed("signals", { epoch: "e1", seq: 5, recovered: false })).toBe(false);
    book.accept(m(5));
    expect(book.subscribed("signals", { epoch: "e1", seq: 9, recovered: true })).toBe(false);
    expect(book.subscribed("signals", { epoch: "e1", seq: 900, recovered: false })).toBe(true);
  });
});

describe("mergeSnapshot", () => {
  it("keeps a stream ordered, unique and bounded", () => {
    let s = mergeSnapshot(undefined, [m(3), m(1)], "stream", 3, "rest", 1);
    s = mergeSnapshot(s, [m(2), m(3), m(4)], "stream", 3, "websocket", 2);
    expect(s.items.map((x) => x.seq)).toEqual([2, 3, 4]);
    expect(s).toMatchObject({ via: "websocket", receivedAt: 2 });
    expect(s.latest?.seq).toBe(4);
  });

  it("keeps only the newest state value, never an older one", () => {
    let s = mergeSnapshot(undefined, [m(5, "e1", "monitoring")], "state", 10, "sse", 1);
    s = mergeSnapshot(s, [m(4, "e1", "monitoring")], "state", 10, "sse", 2);
    expect(s.latest?.seq).toBe(5);
    expect(s.items).toHaveLength(1);
  });
});
