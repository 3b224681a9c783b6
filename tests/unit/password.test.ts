import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "@/lib/auth/password";

describe("password hashing", () => {
  it("stores an argon2id hash, salted, never the password", async () => {
    const a = await hashPassword("switchback-demo");
    const b = await hashPassword("switchback-demo");
    expect(a).toMatch(/^\$argon2id\$/);
    expect(a).not.toContain("switchback-demo");
    expect(a).not.toBe(b);
  });

  it("verifies the right password and refuses a wrong one", async () => {
    const stored = await hashPassword("correct horse battery staple");
    expect(await verifyPassword(stored, "correct horse battery staple")).toBe(true);
    expect(await verifyPassword(stored, "correct horse battery stapl")).toBe(false);
    expect(await verifyPassword(stored, "")).toBe(false);
  });

  it("returns false for an unknown email (no stored hash), after doing the same work", async () => {
    const stored = await hashPassword("pw-known-user");
    // The first unknown-email call also creates the throwaway hash.
    expect(await verifyPassword(undefined, "anything")).toBe(false);
    const fastest = async (fn: () => Promise<boolean>) => {
      let best = Infinity;
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        expect(await fn()).toBe(false);
        best = Math.min(best, performance.now() - t);
      }
      return best;
    };
    const known = await fastest(() => verifyPassword(stored, "wrong"));
    const unknown = await fastest(() => verifyPassword(undefined, "anything"));
    // A full argon2 verification, not an early return: comparable to the known-email path.
    expect(unknown).toBeGreaterThan(known / 4);
  });

  it("returns false, not an exception, for a corrupt stored hash", async () => {
    expect(await verifyPassword("not-a-hash", "x")).toBe(false);
  });
});
