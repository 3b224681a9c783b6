import { getServerSession } from "next-auth";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { findUserById } from "../db/queries";
import { jsonError } from "../http/errors";
import { authOptions } from "./options";
import { toSessionUser, type SessionUser } from "./session-user";

export type { SessionUser };

/**
 * The signed-in user, read fresh from the database so a disabled account or a changed role
 * takes effect at once rather than when the JWT expires. Cached per request: the layout and
 * the page both ask, and they render in parallel (a layout's redirect does not stop the page).
 */
export const currentUser = cache(async (): Promise<SessionUser | null> => {
  const session = await getServerSession(authOptions());
  const id = session?.user?.id;
  if (!id) return null;
  const user = await findUserById(id);
  return user && !user.disabled ? toSessionUser(user) : null;
});

/** For pages: the user, or a redirect to the sign-in page that comes back here. */
export async function requirePageUser(returnTo: string): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
  return user;
}

/** For admin pages: a signed-in user gets a 403 page, a signed-out one the sign-in page. */
export async function requirePageAdmin(returnTo: string): Promise<SessionUser> {
  const user = await requirePageUser(returnTo);
  if (user.role !== "admin") forbidden();
  return user;
}

type Handler<C> = (req: Request, ctx: C, user: SessionUser) => Promise<Response> | Response;

/** Wraps a route handler: 401 JSON without a session, else the handler with the user. */
export function withUser<C>(handler: Handler<C>) {
  return async (req: Request, ctx: C): Promise<Response> => {
    const user = await currentUser();
    if (!user) return jsonError("unauthenticated", "Sign in to use this endpoint.");
    return handler(req, ctx, user);
  };
}

/** Like withUser, and 403 JSON for anyone but an admin. */
export function withAdmin<C>(handler: Handler<C>) {
  return withUser<C>((req, ctx, user) =>
    user.role === "admin" ? handler(req, ctx, user) : jsonError("forbidden", "Administrators only."),
  );
}
