import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createUser } from "@/lib/db/queries";
import { countUnread, insertNotification, listNotifications, markAllNotificationsRead, markNotificationRead } from "@/lib/db/notifications";
import { notifications, users } from "@/lib/db/schema";
import { notify, notifyAll, publishRead, pruneNotificationsNow } from "@/lib/producers/notifications";
import type { NotificationEvent } from "@/lib/producers/payloads";
import { hub } from "@/lib/realtime/instance";
import { DRIVERS, useTestDatabase } from "../helpers/db";

let n = 0;
const newUser = (role: "user" | "admin" = "user") => createUser({ email: `n${++n}-${Date.now()}@example.com`, name: `N${n}`, passwordHash: "x", role });

/** Everything published on a user's own `notifications` topic from now on. */
async function inbox(userId: string) {
  const h = hub();
  const d = await h.topics.authorizeRead("notifications", { userId, role: "user" });
  if (!d.ok) throw new Error(d.message);
  const events: NotificationEvent[] = [];
  const sub = await h.subscribe(d.topic, undefined, (e) => events.push(e.data as NotificationEvent));
  return { events, close: () => sub.close() };
}

describe.each(DRIVERS)("notifications on %s", (driver) => {
  const testDb = useTestDatabase(driver);

  it("notify stores the notification and pushes it, with the unread count, to that user only", async () => {
    const [alice, bob] = [await newUser(), await newUser()];
    const [a, b] = [await inbox(alice.id), await inbox(bob.id)];
    const created = await notify(alice.id, { title: "Hello", body: "First", priority: "high", link: "/signals" });
    await notify(alice.id, { title: "Again" });
    a.close();
    b.close();
    expect(created).toMatchObject({ title: "Hello", body: "First", priority: "high", link: "/signals", read: false });
    expect(a.events.map((e) => e.kind === "created" && [e.notification.title, e.unreadCount])).toEqual([
      ["Hello", 1],
      ["Again", 2],
    ]);
    expect(b.events).toEqual([]);
    expect(await countUnread(alice.id)).toBe(2);
  });

  it("lists newest first with before= paging, and marks one or all read", async () => {
    const u = await newUser();
    const other = await newUser();
    for (let i = 1; i <= 5; i++) await insertNotification(u.id, { title: `#${i}` });
    const page1 = await listNotifications(u.id, { limit: 2 });
    expect(page1.map((x) => x.title)).toEqual(["#5", "#4"]);
    const page2 = await listNotifications(u.id, { limit: 2, before: page1.at(-1)!.id });
    expect(page2.map((x) => x.title)).toEqual(["#3", "#2"]);

    // Someone else's notification cannot be marked read.
    expect(await markNotificationRead(other.id, page1[0]!.id)).toBe(false);
    expect(await markNotificationRead(u.id, page1[0]!.id)).toBe(true);
    expect(await countUnread(u.id)).toBe(4);
    const box = await inbox(u.id);
    expect(await publishRead(u.id, [page1[0]!.id])).toBe(4);
    const rest = await markAllNotificationsRead(u.id);
    expect(rest).toHaveLength(4);
    expect(await publishRead(u.id, rest)).toBe(0);
    box.close();
    expect(box.events).toEqual([
      { kind: "read", ids: [page1[0]!.id], unreadCount: 4 },
      { kind: "read", ids: rest, unreadCount: 0 },
    ]);
    expect((await listNotifications(u.id, { limit: 10 })).every((x) => x.read)).toBe(true);
  });

  it("notifyAll reaches every enabled user and no disabled one", async () => {
    const db = testDb().database.db;
    const [a, b, off] = [await newUser(), await newUser("admin"), await newUser()];
    await db.update(users).set({ disabled: true }).where(eq(users.id, off.id));
    const boxes = [await inbox(a.id), await inbox(b.id), await inbox(off.id)];
    const count = await notifyAll({ title: "Maintenance at 22:00", priority: "high" });
    boxes.forEach((x) => x.close());
    const enabled = (await db.select().from(users).where(eq(users.disabled, false))).length;
    expect(count).toBe(enabled);
    expect(boxes[0]!.events).toHaveLength(1);
    expect(boxes[1]!.events).toHaveLength(1);
    expect(boxes[2]!.events).toHaveLength(0);
    expect((await listNotifications(off.id, { limit: 10 })).length).toBe(0);
  });

  it("prunes notifications past the age limit and all but the newest N per user", async () => {
    const db = testDb().database.db;
    const [u, v] = [await newUser(), await newUser()];
    for (let i = 1; i <= 6; i++) await insertNotification(u.id, { title: `u${i}` });
    for (let i = 1; i <= 2; i++) await insertNotification(v.id, { title: `v${i}` });
    // One of v's is 40 days old.
    const [old] = await listNotifications(v.id, { limit: 1, before: Number.MAX_SAFE_INTEGER });
    await db.update(notifications).set({ createdAt: new Date(Date.now() - 40 * 86_400_000) }).where(eq(notifications.id, old!.id));

    const mine = async (id: string) => (await listNotifications(id, { limit: 100 })).map((x) => x.title);
    const deleted = await pruneNotificationsNow({ keepPerUser: 4, maxAgeDays: 30 });
    expect(await mine(u.id)).toEqual(["u6", "u5", "u4", "u3"]);
    expect(await mine(v.id)).toEqual(["v1"]);
    expect(deleted).toBeGreaterThanOrEqual(3);
    expect(await pruneNotificationsNow({ keepPerUser: 4, maxAgeDays: 30 })).toBe(0);
  });
});
