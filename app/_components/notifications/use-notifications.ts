"use client";

import { useTopic } from "@/lib/client/react";
import type { NotificationEvent } from "@/lib/producers/payloads";

/**
 * The caller's `notifications` topic and the unread count: the server's figure at render,
 * then the count each later event carries (events from before the render are already in it).
 */
export function useNotifications(initialUnread: number, renderedAt: number) {
  const topic = useTopic<NotificationEvent>("notifications", { limit: 100 });
  const latest = topic.data?.latest;
  const unreadCount = latest && latest.ts >= renderedAt ? latest.data.unreadCount : initialUnread;
  return { topic, unreadCount };
}

/** POSTs a read action; returns the new unread count. */
export async function markRead(id: number | "all"): Promise<number> {
  const res = await fetch(id === "all" ? "/api/v1/notifications/read-all" : `/api/v1/notifications/${id}/read`, { method: "POST" });
  const body = (await res.json().catch(() => ({}))) as { unreadCount?: number; error?: { message: string } };
  if (!res.ok || body.unreadCount === undefined) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
  return body.unreadCount;
}
