import { describe, expect, it } from "vitest";
import { SignInThrottle, type ThrottleOptions } from "@/lib/auth/signin-throttle";

const OPTS: ThrottleOptions = { windowMs: 60_000, maxPerAccount: 3, maxPerAddress: 5 };

function setup(opts = OPTS) {
  let now = 1_000_000;
  const throttle = new SignInThrottle(opts, () => now);
  return { throttle, advance: (ms: number) => (now += ms) };
}

describe("SignInThrottle", () => {
  it("allows a fresh account and address", () => {
    const { throttle } = setup();
    expect(throttle.retryAfterMs("a@x", "1.1.1.1")).toBe(0);
  });

  it("blocks an account after maxPerAccount failures, from any address", () => {
    const { throttle, advance } = setup();
    throttle.recordFailure("a@x", "1.1.1.1");
    advance(1_000);
    throttle.recordFailure("a@x", "2.2.2.2");
    expect(throttle.retryAfterMs("a@x", "3.3.3.3")).toBe(0);
    advance(1_000);
    throttle.recordFailure("a@x", "3.3.3.3");
    // Blocked until the first failure leaves the window: 60 s after it, 2 s have passed.
    expect(throttle.retryAfterMs("a@x", "4.4.4.4")).toBe(58_000);
    // Another account from a clean address is unaffected.
    expect(throttle.retryAfterMs("b@x", "4.4.4.4")).toBe(0);
  });

  it("blocks an address after maxPerAddress failures, for any account", () => {
    const { throttle } = setup();
    for (let i = 0; i < 5; i++) throttle.recordFailure(`user${i}@x`, "9.9.9.9");
    expect(throttle.retryAfterMs("fresh@x", "9.9.9.9")).toBe(60_000);
    expect(throttle.retryAfterMs("fresh@x", "8.8.8.8")).toBe(0);
  });

  it("lets the account try again once failures age out of the window", () => {
    const { throttle, advance } = setup();
    for (let i = 0; i < 3; i++) throttle.recordFailure("a@x", "1.1.1.1");
    expect(throttle.retryAfterMs("a@x", "1.1.1.1")).toBe(60_000);
    advance(59_999);
    expect(throttle.retryAfterMs("a@x", "1.1.1.1")).toBe(1);
    advance(1);
    expect(throttle.retryAfterMs("a@x", "1.1.1.1")).toBe(0);
  });

  it("is a sliding window: one old failure ageing out frees one attempt", () => {
    const { throttle, advance } = setup();
    throttle.recordFailure("a@x", "1.1.1.1");
    advance(30_000);
    throttle.recordFailure("a@x", "1.1.1.1");
    throttle.recordFailure("a@x", "1.1.1.1");
    expect(throttle.retryAfterMs("a@x", "1.1.1.1")).toBe(30_000);
    advance(30_000);
    expect(throttle.retryAfterMs("a@x", "1.1.1.1")).toBe(0);
    throttle.recordFailure("a@x", "1.1.1.1");
    // The two failures at t=30 s are still inside the window.
    expect(throttle.retryAfterMs("a@x", "1.1.1.1")).toBe(30_000);
  });

  it("clears the account on success but keeps the address count", () => {
    const { throttle } = setup({ windowMs: 60_000, maxPerAccount: 2, maxPerAddress: 3 });
    throttle.recordFailure("a@x", "1.1.1.1");
    throttle.recordFailure("a@x", "1.1.1.1");
    expect(throttle.retryAfterMs("a@x", "2.2.2.2")).toBeGreaterThan(0);
    throttle.recordSuccess("a@x");
    expect(throttle.retryAfterMs("a@x", "2.2.2.2")).toBe(0);
    throttle.recordFailure("b@x", "1.1.1.1");
    expect(throttle.retryAfterMs("c@x", "1.1.1.1")).toBe(60_000);
  });
});
