import { and, count, desc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { NotificationView } from "../producers/payloads";
import { db } from "./drizzle";
import { notifications, users, type NotificationPriority, type NotificationRow } from "./schema";

/** Per-user notifications: history, read state and pruning. */

export interface NewNotification {
  title: string;
  body?: string;
  priority?: NotificationPriority;
  link?: string | null;
}

export function toNotificationView(row: NotificationRow): NotificationView {
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    priority: row.priority,
    link: row.link,
    read: row.readAt !== null,
    createdAt: row.createdAt.toISOString(),
  };
}

function values(input: NewNotification) {
  return { title: input.title, body: input.body ?? "", priority: input.priority ?? "normal", link: input.link ?? null };
}

export async function insertNotification(userId: string, input: NewNotification): Promise<NotificationRow> {
  const [row] = await (await db())
    .insert(notifications)
    .values({ userId, ...values(input) })
    .returning();
  if (!row) throw new Error("insert returned no row");
  return row;
}

/** One notification for every enabled user, in one statement. */
export async function insertNotificationForAll(input: NewNotification): Promise<NotificationRow[]> {
  const v = values(input);
  const d = await db();
  const recipients = await d.select({ id: users.id }).from(users).where(eq(users.disabled, false));
  if (recipients.length === 0) return [];
  return d
    .insert(notifications)
    .values(recipients.map((u) => ({ userId: u.id, ...v })))
    .returning();
}

/** A user's notifications, newest first; `before` pages back by id. */
export async function listNotifications(userId: string, opts: { limit: number; before?: number }): Promise<NotificationView[]> {
  const rows = await (await db())
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, userId), opts.before !== undefined ? lt(notifications.id, opts.before) : undefined))
    .orderBy(desc(notifications.id))
    .limit(opts.limit);
  return rows.map(toNotificationView);
}

export async function countUnread(userId: string): Promise<number> {
  const [row] = await (await db())
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return row?.n ?? 0;
}

/** Unread counts of several users at once (users with none are absent). */
export async function countUnreadByUser(userIds: string[]): Promise<Map<string, number>> {
  if (userIds.length === 0) return new Map();
  const rows = await (await db())
    .select({ userId: notifications.userId, n: count() })
    .from(notifications)
    .where(and(inArray(notifications.userId, userIds), isNull(notifications.readAt)))
    .groupBy(notifications.userId);
  return new Map(rows.map((r) => [r.userId, r.n]));
}

/** Marks one of the user's notifications read; false when the user has no such notification. */
export async function markNotificationRead(userId: string, id: number): Promise<boolean> {
  const d = await db();
  const [row] = await d
    .select({ id: notifications.id, readAt: notifications.readAt })
    .from(notifications)
    .where(and(eq(notifications.id, id), eq(notifications.userId, userId)))
    .limit(1);
  if (!row) return false;
  if (!row.readAt) await d.update(notifications).set({ readAt: new Date() }).where(eq(notifications.id, id));
  return true;
}

/** Marks all of the user's unread notifications read; returns the ids that changed. */
export async function markAllNotificationsRead(userId: string): Promise<number[]> {
  const rows = await (await db())
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return rows.map((r) => r.id);
}

/**
 * Deletes notifications older than `olderThan`, and all but the newest `keepPerUser` of each
 * user. Returns how many were deleted.
 */
export async function pruneNotifications(opts: { keepPerUser: number; olderThan: Date }): Promise<number> {
  const ranked = sql`(select ranked.id from (
      select id, row_number() over (partition by user_id order by id desc) as rn from notifications
    ) ranked where ranked.rn > ${opts.keepPerUser})`;
  const rows = await (await db())
    .delete(notifications)
    .where(or(lt(notifications.createdAt, opts.olderThan), inArray(notifications.id, ranked)))
    .returning({ id: notifications.id });
  return rows.length;
}
