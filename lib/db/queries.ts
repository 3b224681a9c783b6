import { count, desc, eq, ilike, or, type SQL } from "drizzle-orm";
import { db } from "./drizzle";
import {
  POLLING_INTERVAL_DEFAULT_MS,
  type RealtimeMode,
  type Role,
  type User,
  type UserSettings,
  auditLog,
  userSettings,
  users,
} from "./schema";

/** Every read and write of users and their settings; pages and handlers call these, never SQL. */

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function findUserByEmail(email: string): Promise<User | undefined> {
  const [row] = await (await db()).select().from(users).where(eq(users.email, normaliseEmail(email))).limit(1);
  return row;
}

export async function findUserById(id: string): Promise<User | undefined> {
  const [row] = await (await db()).select().from(users).where(eq(users.id, id)).limit(1);
  return row;
}

export async function countUsers(): Promise<number> {
  const [row] = await (await db()).select({ n: count() }).from(users);
  return row?.n ?? 0;
}

export interface NewUser {
  email: string;
  name: string;
  passwordHash: string;
  role: Role;
}

/**
 * Creates a user with default realtime settings, in one transaction; with `actorId` (an admin
 * adding someone) the same transaction writes the audit row.
 */
export async function createUser(input: NewUser, opts: { actorId?: string } = {}): Promise<User> {
  return (await db()).transaction(async (tx) => {
    const [user] = await tx
      .insert(users)
      .values({ ...input, email: normaliseEmail(input.email) })
      .returning();
    if (!user) throw new Error("insert returned no row");
    await tx.insert(userSettings).values({ userId: user.id });
    if (opts.actorId) {
      const after = { email: user.email, name: user.name, role: user.role, disabled: user.disabled };
      await tx.insert(auditLog).values({ actorId: opts.actorId, action: "user.create", targetType: "user", targetId: user.id, after });
    }
    return user;
  });
}

export interface RealtimeSettings {
  mode: RealtimeMode;
  pollingIntervalMs: number;
  locked: boolean;
}

export async function getRealtimeSettings(userId: string): Promise<RealtimeSettings> {
  const [row] = await (await db()).select().from(userSettings).where(eq(userSettings.userId, userId)).limit(1);
  return toRealtimeSettings(row);
}

function toRealtimeSettings(row: UserSettings | null | undefined): RealtimeSettings {
  return row
    ? { mode: row.realtimeMode, pollingIntervalMs: row.pollingIntervalMs, locked: row.locked }
    : { mode: "auto", pollingIntervalMs: POLLING_INTERVAL_DEFAULT_MS, locked: false };
}

export interface UserWithSettings extends Omit<User, "passwordHash"> {
  settings: RealtimeSettings;
}

export interface UserListOptions {
  /** Part of the email or the name, any case. */
  query?: string;
  limit?: number;
  offset?: number;
}

function matching(query: string | undefined): SQL | undefined {
  const q = query?.trim();
  if (!q) return undefined;
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return or(ilike(users.email, pattern), ilike(users.name, pattern));
}

/** Users for the admin console, newest first, without password hashes. */
export async function listUsersWithSettings({ query, limit = 50, offset = 0 }: UserListOptions = {}): Promise<UserWithSettings[]> {
  const rows = await (await db())
    .select({ user: users, settings: userSettings })
    .from(users)
    .leftJoin(userSettings, eq(userSettings.userId, users.id))
    .where(matching(query))
    .orderBy(desc(users.createdAt), users.email)
    .limit(limit)
    .offset(offset);
  return rows.map(({ user: { passwordHash: _hash, ...user }, settings }) => ({
    ...user,
    settings: toRealtimeSettings(settings),
  }));
}

/** How many users listUsersWithSettings would page through for `query`. */
export async function countUsersMatching(query?: string): Promise<number> {
  const [row] = await (await db()).select({ n: count() }).from(users).where(matching(query));
  return row?.n ?? 0;
}
