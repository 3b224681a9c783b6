import {
  countUnread,
  countUnreadByUser,
  insertNotification,
  insertNotificationForAll,
  pruneNotifications,
  toNotificationView,
  type NewNotification,
} from "../db/notifications";
import { log } from "../log";
import { hub } from "../realtime/instance";
import { every, type Loop } from "./loop";
import type { NotificationEvent, NotificationView } from "./payloads";
import type { Producer } from "./registry";

export type { NewNotification };

/** Stores a notification for one user and pushes it to their open tabs, with the unread count. */
export async function notify(userId: string, input: NewNotification): Promise<NotificationView> {
  const notification = toNotificationView(await insertNotification(userId, input));
  const event: NotificationEvent = { kind: "created", notification, unreadCount: await countUnread(userId) };
  await hub().publishOne("notifications", event, userId);
  return notification;
}

/** The same notification for every enabled user (admin broadcast); returns how many got it. */
export async function notifyAll(input: NewNotification): Promise<number> {
  const rows = await insertNotificationForAll(input);
  const unread = await countUnreadByUser(rows.map((r) => r.userId));
  await hub().publish(
    rows.map((row) => {
      const event: NotificationEvent = { kind: "created", notification: toNotificationView(row), unreadCount: unread.get(row.userId) ?? 0 };
      return { topic: "notifications", data: event, userId: row.userId };
    }),
  );
  return rows.length;
}

/** Tells a user's other tabs which notifications were read, so their lists and counts follow. */
export async function publishRead(userId: string, ids: number[]): Promise<number> {
  const unreadCount = await countUnread(userId);
  const event: NotificationEvent = { kind: "read", ids, unreadCount };
  await hub().publishOne("notifications", event, userId);
  return unreadCount;
}

export interface RetentionOptions {
  intervalMs: number;
  keepPerUser: number;
  maxAgeDays: number;
}

/** Deletes old notifications now; returns how many. */
export async function pruneNotificationsNow(opts: Omit<RetentionOptions, "intervalMs">, now = Date.now()): Promise<number> {
  return pruneNotifications({ keepPerUser: opts.keepPerUser, olderThan: new Date(now - opts.maxAgeDays * 86_400_000) });
}

/** `notifications` housekeeping: prunes at start and every `intervalMs`. */
export function notificationsProducer(opts: RetentionOptions): Producer {
  let loop: Loop | undefined;
  return {
    name: "notifications",
    async start() {
      loop = every(
        "notifications",
        opts.intervalMs,
        async () => {
          const deleted = await pruneNotificationsNow(opts);
          if (deleted > 0) log().info({ deleted }, "pruned notifications");
        },
        { immediate: true },
      );
    },
    async stop() {
      await loop?.stop();
    },
  };
}
