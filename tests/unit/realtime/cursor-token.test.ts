import { describe, expect, it } from "vitest";
import { BadCursorToken, decodeCursorToken, encodeCursorToken } from "@/lib/realtime/cursor-token";
import { TokenBucket } from "@/lib/realtime/token-bucket";

describe("cursor token", () => {
  it("round-trips every topic's cursor", () => {
    const cursors = { signals: { epoch: "e1", seq: 42 }, "market.0700.HK": { epoch: "e2", seq: 0 } };
    expect(decodeCursorToken(encodeCursorToken(cursors))).toEqual(cursors);
  });

  it.each(["", "not base64!", Buffer.from("[1,2]").toString("base64url"), Buffer.from('{"signals":["e",-1]}').toString("base64url")])(
    "rejects %j as a token this server did not issue",
    (token) => {
      expect(() => decodeCursorToken(token)).toThrow(BadCursorToken);
    },
  );
});

describe("TokenBucket", () => {
  it("allows a burst, then the rate", () => {
    let now = 0;
    const b = new TokenBucket(10, 5, () => now);
    expect([1, 2, 3, 4, 5].map(() => b.take())).toEqual([true, true, true, true, true]);
    expect(b.take()).toBe(false);
    expect(b.secondsUntil()).toBeCloseTo(0.1);
    now = 100;
    expect(b.take()).toBe(true);
    expect(b.take()).toBe(false);
  });
});
