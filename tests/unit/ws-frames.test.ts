import { describe, expect, it } from "vitest";
import type { Envelope } from "@/lib/realtime/envelope";
import { envelopeBytes } from "@/server/ws/frames";

describe("envelope bytes (serialized once per fanout)", () => {
  const envelope = (seq: number): Envelope => ({ type: "data", topic: "signals", epoch: "e", seq, ts: 1, data: { seq } });

  it("gives every connection of one fanout the same Buffer, made from the hub's frame", () => {
    const e = envelope(1);
    const frame = JSON.stringify(e);
    const first = envelopeBytes(e, frame);
    for (let i = 0; i < 100; i++) expect(envelopeBytes(e, frame)).toBe(first);
    expect(first.toString()).toBe(frame);
  });

  it("keeps only the latest envelope, so history is never pinned", () => {
    const a = envelope(1);
    const b = envelope(2);
    const bytesA = envelopeBytes(a, JSON.stringify(a));
    envelopeBytes(b, JSON.stringify(b));
    const again = envelopeBytes(a, JSON.stringify(a));
    expect(again).not.toBe(bytesA);
    expect(again.equals(bytesA)).toBe(true);
  });
});
