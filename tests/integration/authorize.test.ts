import { eq } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { authOptions, SIGN_IN_MESSAGES } from "@/lib/auth/options";
import { hashPassword } from "@/lib/auth/password";
import { SignInThrottle } from "@/lib/auth/signin-throttle";
import { createUser } from "@/lib/db/queries";
import { users } from "@/lib/db/schema";
import { DRIVERS, useTestDatabase } from "../helpers/db";

type Authorize = (credentials: Record<string, string> | undefined, req: { headers?: Record<string, string> }) => Promise<unknown>;

/** The credentials provider's own authorize(), as next-auth calls it. */
function authorize(): Authorize {
  const provider = authOptions().providers[0] as unknown as { options: { authorize: Authorize } };
  return provider.options.authorize;
}

async function attempt(email: string, password: string, address = "192.0.2.1"): Promise<{ user?: unknown; error?: string }> {
  try {
    return { user: await authorize()({ email, password }, { headers: { "x-forwarded-for": address } }) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

describe.each(DRIVERS)("credentials sign-in on %s", (driver) => {
  const testDb = useTestDatabase(driver);
  let disabledId: string;

  beforeAll(async () => {
    await createUser({ email: "trader@example.com", name: "Trader", passwordHash: await hashPassword("trader-pass"), role: "user" });
    const disabled = await createUser({ email: "gone@example.com", name: "Gone", passwordHash: await hashPassword("gone-pass"), role: "user" });
    disabledId = disabled.id;
    await testDb().database.db.update(users).set({ disabled: true }).where(eq(users.id, disabled.id));
  });

  beforeEach(() => {
    (globalThis as { __switchbackSignInThrottle?: SignInThrottle }).__switchbackSignInThrottle = new SignInThrottle();
  });

  it("returns the user, with the role, for the right password (email in any case)", async () => {
    const { user, error } = await attempt("  TRADER@example.com ", "trader-pass");
    expect(error).toBeUndefined();
    expect(user).toMatchObject({ email: "trader@example.com", name: "Trader", role: "user" });
  });

  it("says the same thing for a wrong password and an unknown email", async () => {
    expect(await attempt("trader@example.com", "nope")).toEqual({ error: SIGN_IN_MESSAGES.invalid });
    expect(await attempt("nobody@example.com", "nope")).toEqual({ error: SIGN_IN_MESSAGES.invalid });
    expect(SIGN_IN_MESSAGES.invalid).toBe("Incorrect email or password.");
  });

  it("refuses empty or oversized input with the same message", async () => {
    expect(await attempt("", "x")).toEqual({ error: SIGN_IN_MESSAGES.invalid });
    expect(await attempt("trader@example.com", "")).toEqual({ error: SIGN_IN_MESSAGES.invalid });
    expect(await attempt("trader@example.com", "x".repeat(2000))).toEqual({ error: SIGN_IN_MESSAGES.invalid });
  });

  it("tells a disabled account so, only when the password is right", async () => {
    expect(await attempt("gone@example.com", "gone-pass")).toEqual({ error: SIGN_IN_MESSAGES.disabled });
    expect(await attempt("gone@example.com", "wrong")).toEqual({ error: SIGN_IN_MESSAGES.invalid });
    // Refusing the sign-in changes nothing about the account.
    const [row] = await testDb().database.db.select().from(users).where(eq(users.id, disabledId));
    expect(row).toMatchObject({ email: "gone@example.com", disabled: true });
  });

  it("throttles the account after five failures, then refuses even the right password", async () => {
    for (let i = 0; i < 5; i++) expect((await attempt("trader@example.com", `bad-${i}`, `192.0.2.${i}`)).error).toBe(SIGN_IN_MESSAGES.invalid);
    const { user, error } = await attempt("trader@example.com", "trader-pass", "192.0.2.99");
    expect(user).toBeUndefined();
    expect(error).toBe(SIGN_IN_MESSAGES.throttled(15));
    expect(error).toBe("Too many failed sign-ins. Try again in 15 minutes.");
  });
});
