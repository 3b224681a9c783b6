import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Conflator } from "@/server/ws/conflator";

describe("Conflator (intervalMs on a state subscription)", () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it("delivers the first value at once, then at most one per interval, ending on the latest", () => {
    const out: number[] = [];
    let replaced = 0;
    const c = new Conflator<number>(1_000, (v) => out.push(v), () => replaced++, () => Date.now());
    c.push(1);
    expect(out).toEqual([1]);
    for (let v = 2; v <= 10; v++) {
      c.push(v);
      vi.advanceTimersByTime(50);
    }
    expect(out).toEqual([1]);
    vi.advanceTimersByTime(1_000);
    expect(out).toEqual([1, 10]);
    expect(replaced).toBe(8);
    vi.advanceTimersByTime(5_000);
    c.push(11);
    expect(out).toEqual([1, 10, 11]);
  });

  it("drops what it holds on close", () => {
    const out: number[] = [];
    const c = new Conflator<number>(1_000, (v) => out.push(v));
    c.push(1);
    c.push(2);
    c.close();
    vi.advanceTimersByTime(2_000);
    expect(out).toEqual([1]);
  });
});
