"use client";

import * as Popover from "@radix-ui/react-popover";
import { useQuery } from "@tanstack/react-query";
import { Bell } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { toast } from "sonner";
import type { NotificationView } from "@/lib/producers/payloads";
import { SkeletonRows } from "../live/states";
import { NotificationItem } from "./notification-item";
import { markRead, useNotifications } from "./use-notifications";

/**
 * The header bell: the unread count, live; a toast when something new arrives; the latest
 * few in a popover with "mark all read".
 */
export function NotificationBell({ initialUnread, renderedAt }: { initialUnread: number; renderedAt: number }) {
  const { topic, unreadCount } = useNotifications(initialUnread, renderedAt);
  const [open, setOpen] = useState(false);
  const router = useRouter();
  const recent = useQuery({
    queryKey: ["notifications", "recent"],
    enabled: open,
    queryFn: async () => ((await (await fetch("/api/v1/notifications?limit=6", { cache: "no-store" })).json()) as { notifications: NotificationView[] }).notifications,
  });

  // Toast each notification created after this page loaded, once.
  const toasted = useRef(new Set<number>());
  useEffect(() => {
    for (const e of topic.data?.items ?? []) {
      if (e.ts < renderedAt || e.data.kind !== "created" || toasted.current.has(e.data.notification.id)) continue;
      const n = e.data.notification;
      toasted.current.add(n.id);
      const show = n.priority === "high" ? toast.error : toast;
      show(n.title, { description: n.body || undefined, action: n.link ? { label: "Open", onClick: () => router.push(n.link!) } : undefined });
    }
    // The open popover follows the feed too (only when the feed moves, not on every render).
    if (open) void recent.refetch();
  }, [topic.data, renderedAt]);

  const read = async (id: number | "all") => {
    try {
      await markRead(id);
      void recent.refetch();
    } catch (err) {
      toast.error("Could not mark as read", { description: (err as Error).message });
    }
  };

  return (
    <Popover.Root open={open} onOpenChange={setOpen}>
      <Popover.Trigger asChild>
        <button
          className="relative grid size-8 place-items-center rounded-full border border-line bg-panel text-ink-muted hover:bg-panel-raised hover:text-ink"
          aria-label={unreadCount ? `Notifications: ${unreadCount} unread` : "Notifications"}
          data-testid="notification-bell"
        >
          <Bell className="size-4" aria-hidden />
          {unreadCount > 0 ? (
            <span className="absolute -right-1 -top-1 grid h-4 min-w-4 place-items-center rounded-full bg-danger px-1 text-[10px] font-semibold leading-none text-white" data-testid="unread-count">
              {unreadCount > 99 ? "99+" : unreadCount}
            </span>
          ) : null}
        </button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content align="end" sideOffset={8} className="z-50 w-[min(22rem,calc(100vw-2rem))] rounded-xl border border-line bg-panel p-4 text-sm shadow-2xl shadow-black/40">
          <div className="mb-1 flex items-center justify-between">
            <p className="font-semibold">Notifications</p>
            {unreadCount > 0 ? (
              <button className="text-xs font-medium text-accent hover:underline" onClick={() => void read("all")}>
                Mark all read
              </button>
            ) : null}
          </div>
          {recent.isPending ? (
            <SkeletonRows rows={3} />
          ) : recent.data?.length ? (
            <ul className="max-h-96 divide-y divide-line overflow-y-auto">
              {recent.data.map((n) => (
                <li key={n.id}>
                  <NotificationItem n={n} compact onRead={(id) => void read(id)} />
                </li>
              ))}
            </ul>
          ) : (
            <p className="py-6 text-center text-xs text-ink-muted">Nothing yet. Finished backtests and announcements land here.</p>
          )}
          <Link href="/notifications" onClick={() => setOpen(false)} className="mt-2 block text-center text-xs font-medium text-accent hover:underline">
            See all notifications
          </Link>
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
