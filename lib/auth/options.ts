import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { findUserByEmail, normaliseEmail } from "../db/queries";
import type { Role } from "../db/schema";
import { log } from "../log";
import { verifyPassword } from "./password";
import { authSecret } from "./secret";
import { signInThrottle } from "./signin-throttle";

export const SESSION_MAX_AGE_S = 7 * 24 * 3600;

/** Messages the sign-in page shows as they are: clear, and never telling which emails exist. */
export const SIGN_IN_MESSAGES = {
  invalid: "Incorrect email or password.",
  disabled: "This account is disabled. Ask an administrator to enable it.",
  throttled: (minutes: number) =>
    `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
} as const;

const credentialsSchema = z.object({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1024),
});

function clientAddress(headers: Record<string, unknown> | undefined): string {
  const forwarded = headers?.["x-forwarded-for"];
  const first = typeof forwarded === "string" ? forwarded.split(",")[0]?.trim() : undefined;
  return first || "unknown";
}

export function authOptions(): NextAuthOptions {
  return {
    secret: authSecret(),
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
    pages: { signIn: "/signin", error: "/signin" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(raw, req) {
          const parsed = credentialsSchema.safeParse(raw);
          if (!parsed.success) throw new Error(SIGN_IN_MESSAGES.invalid);
          const email = normaliseEmail(parsed.data.email);
          const address = clientAddress(req?.headers);
          const throttle = signInThrottle();
          const waitMs = throttle.retryAfterMs(email, address);
          if (waitMs > 0) throw new Error(SIGN_IN_MESSAGES.throttled(Math.ceil(waitMs / 60_000)));

          const user = await findUserByEmail(email);
          // verifyPassword does the same work for an unknown email, so timing looks alike.
          const ok = await verifyPassword(user?.passwordHash, parsed.data.password);
          if (!user || !ok) {
            throttle.recordFailure(email, address);
            log().info({ address }, "sign-in failed");
            throw new Error(SIGN_IN_MESSAGES.invalid);
          }
          if (user.disabled) throw new Error(SIGN_IN_MESSAGES.disabled);
          throttle.recordSuccess(email);
          log().info({ userId: user.id }, "signed in");
          return { id: user.id, email: user.email, name: user.name, role: user.role };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user?.role) token.role = user.role;
        return token;
      },
      session({ session, token }) {
        if (session.user) {
          session.user.id = token.sub ?? "";
          session.user.role = (token.role as Role | undefined) ?? "user";
        }
        return session;
      },
    },
  };
}
