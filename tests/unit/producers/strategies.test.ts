import { describe, expect, it } from "vitest";
import { parseProducerSetting, PRODUCER_NAMES } from "@/lib/producers/registry";
import { Book } from "@/lib/producers/strategies/book";
import { createRule } from "@/lib/producers/strategies/rules";

describe("PRODUCERS", () => {
  it("is on, off, or a list of known names", () => {
    expect(parseProducerSetting("on")).toEqual([...PRODUCER_NAMES]);
    expect(parseProducerSetting("off")).toEqual([]);
    expect(parseProducerSetting(" market, chart ,monitoring")).toEqual(["monitoring", "market", "chart"]);
    expect(() => parseProducerSetting("market,weather")).toThrow(/unknown producer weather/);
  });
});

describe("Book", () => {
  it("keeps an average price and realises P&L on reductions and reversals", () => {
    const b = new Book();
    b.fill(10, 100);
    b.fill(10, 110);
    expect(b.avgPrice).toBe(105);
    expect(b.unrealized(120)).toBe(300);
    expect(b.fill(-5, 120)).toBe(75);
    // Through zero: 15 closed at 90 (a loss), 5 short opened at 90.
    expect(b.fill(-20, 90)).toBe(-225);
    expect(b.quantity).toBe(-5);
    expect(b.avgPrice).toBe(90);
    expect(b.realized).toBe(-150);
    expect(b.unrealized(80)).toBe(50);
    expect(b.fill(5, 80)).toBe(50);
    expect([b.quantity, b.avgPrice, b.trades, b.wins, b.closes]).toEqual([0, null, 5, 2, 3]);
  });
});

describe("rules", () => {
  it("mean reversion sells a stretch above the mean and exits near it", () => {
    const { rule } = createRule("mean_reversion", { window: 10, entryZ: 2, exitZ: 0.5 });
    const flat = [100, 101, 100, 99, 100, 101, 100, 99, 100, 101];
    for (const p of flat) rule.next(p, 0);
    expect(rule.next(110, 0)).toMatchObject({ target: -1, reason: expect.stringMatching(/above its 10-period mean/) });
    // Back to the mean while short: take profit.
    let d;
    for (const p of [100, 100, 100, 100, 100, 100, 100, 100]) d = rule.next(p, -1);
    expect(d).toMatchObject({ target: 0 });
  });

  it("breakout goes long on a new high and short on a new low", () => {
    const { rule } = createRule("breakout", { window: 5 });
    for (const p of [10, 11, 12, 11, 10]) expect(rule.next(p, 0)).toBeUndefined();
    expect(rule.next(13, 0)).toMatchObject({ target: 1 });
    expect(rule.next(12, 1)).toMatchObject({ target: 1 });
    expect(rule.next(9, 1)).toMatchObject({ target: -1 });
  });

  it("refuses parameters outside their ranges", () => {
    expect(() => createRule("breakout", { window: 1 })).toThrow(/window must be between/);
    expect(() => createRule("ema_cross", { fast: 30, slow: 10 })).toThrow(/fast must be below slow/);
  });
});
