import { count, desc, eq } from "drizzle-orm";
import { db } from "./drizzle";
import {
  POLLING_INTERVAL_DEFAULT_MS,
  type RealtimeMode,
  type Role,
  type User,
  type UserSettings,
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

/** Creates a user with default realtime settings, in one transaction. */
export async function createUser(input: NewUser): Promise<User> {
  return (await db()).transaction(async (tx) => {
    const [user] = await tx
      .insert(users)
      .values({ ...input, email: normaliseEmail(input.email) })
      .returning();
    if (!user) throw new Error("insert returned no row");
    await tx.insert(userSettings).values({ userId: user.id });
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

/** Users for the admin console, newest first, without password hashes. */
export async function listUsersWithSettings(limit = 50, offset = 0): Promise<UserWithSettings[]> {
  const rows = await (await db())
    .select({ user: users, settings: userSettings })
    .from(users)
    .leftJoin(userSettings, eq(userSettings.userId, users.id))
    .orderBy(desc(users.createdAt), users.email)
    .limit(limit)
    .offset(offset);
  return rows.map(({ user: { passwordHash: _hash, ...user }, settings }) => ({
    ...user,
    settings: toRealtimeSettings(settings),
  }));
}
