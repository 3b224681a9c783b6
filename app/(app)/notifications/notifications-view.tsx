"use client";

import { Bell } from "lucide-react";
import { useEffect, useMemo, useRef, useState } from "react";
import { toast } from "sonner";
import type { NotificationView } from "@/lib/producers/payloads";
import { LivePanel } from "../../_components/live/live-panel";
import { EmptyState } from "../../_components/live/states";
import { NotificationItem } from "../../_components/notifications/notification-item";
import { markRead, useNotifications } from "../../_components/notifications/use-notifications";
import { Button } from "../../_components/ui/button";

/** The list: the server's page, older pages on demand, and every live event applied once. */
export function NotificationsView({ initial, initialUnread, renderedAt, pageSize }: { initial: NotificationView[]; initialUnread: number; renderedAt: number; pageSize: number }) {
  const { topic, unreadCount } = useNotifications(initialUnread, renderedAt);
  const [byId, setById] = useState(() => new Map(initial.map((n) => [n.id, n])));
  const [exhausted, setExhausted] = useState(initial.length < pageSize);
  const [loading, setLoading] = useState(false);
  const applied = useRef<{ epoch: string; seq: number } | null>(null);

  useEffect(() => {
    const items = topic.data?.items ?? [];
    const last = applied.current;
    const fresh = items.filter((e) => !last || e.epoch !== last.epoch || e.seq > last.seq);
    if (fresh.length === 0) return;
    applied.current = { epoch: fresh.at(-1)!.epoch, seq: fresh.at(-1)!.seq };
    setById((prev) => {
      const next = new Map(prev);
      for (const { data: e } of fresh) {
        if (e.kind === "created") {
          if (!next.has(e.notification.id)) next.set(e.notification.id, e.notification);
        } else {
          for (const id of e.ids) {
            const n = next.get(id);
            if (n) next.set(id, { ...n, read: true });
          }
        }
      }
      return next;
    });
  }, [topic.data]);

  const list = useMemo(() => [...byId.values()].sort((a, b) => b.id - a.id), [byId]);

  const read = async (id: number | "all") => {
    try {
      await markRead(id);
      // The event on the topic marks them in every tab; this one need not wait for it.
      setById((prev) => new Map([...prev].map(([k, n]) => [k, id === "all" || id === k ? { ...n, read: true } : n])));
    } catch (err) {
      toast.error("Could not mark as read", { description: (err as Error).message });
    }
  };
  const loadOlder = async () => {
    const oldest = list.at(-1)?.id;
    if (!oldest) return;
    setLoading(true);
    try {
      const res = await fetch(`/api/v1/notifications?limit=${pageSize}&before=${oldest}`, { cache: "no-store" });
      const body = (await res.json()) as { notifications: NotificationView[] };
      setById((prev) => new Map([...prev, ...body.notifications.map((n) => [n.id, n] as const)]));
      if (body.notifications.length < pageSize) setExhausted(true);
    } finally {
      setLoading(false);
    }
  };

  return (
    <LivePanel
      title={unreadCount ? `${unreadCount} unread` : "All read"}
      query={topic}
      isEmpty={() => list.length === 0}
      data-testid="notifications-panel"
      actions={
        unreadCount > 0 ? (
          <Button size="sm" variant="secondary" onClick={() => void read("all")}>
            Mark all read
          </Button>
        ) : null
      }
      empty={
        <EmptyState icon={Bell} title="No notifications">
          When a backtest finishes or fails, or an administrator sends an announcement, it appears here and on the bell.
        </EmptyState>
      }
    >
      {() => (
        <div>
          <ul className="divide-y divide-line">
            {list.map((n) => (
              <li key={n.id}>
                <NotificationItem n={n} onRead={(id) => void read(id)} />
              </li>
            ))}
          </ul>
          <div className="mt-3 flex justify-center">
            {exhausted ? (
              <p className="text-xs text-ink-muted">No older notifications.</p>
            ) : (
              <Button size="sm" variant="secondary" onClick={() => void loadOlder()} disabled={loading}>
                {loading ? "Loading…" : "Load older"}
              </Button>
            )}
          </div>
        </div>
      )}
    </LivePanel>
  );
}
