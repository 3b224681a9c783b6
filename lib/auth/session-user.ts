import type { Role, User } from "../db/schema";

/** What the app knows of a signed-in user; the same shape from a page, a handler or a socket. */
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export function toSessionUser(u: User): SessionUser {
  return { id: u.id, email: u.email, name: u.name, role: u.role };
}
