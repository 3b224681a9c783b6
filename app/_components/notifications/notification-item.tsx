"use client";

import Link from "next/link";
import type { NotificationView } from "@/lib/producers/payloads";
import { Time } from "../live/states";
import { PRIORITY_TONE } from "../live/tones";
import { Badge } from "../ui/badge";
import { cn } from "../ui/cn";

/** One notification: title, body, when, priority, and its link; unread ones stand out. */
export function NotificationItem({ n, onRead, compact }: { n: NotificationView; onRead?: (id: number) => void; compact?: boolean }) {
  return (
    <div className={cn("flex gap-3", compact ? "py-2" : "py-3")} data-testid="notification" data-read={n.read ? "true" : "false"}>
      <span className={cn("mt-1.5 size-2 shrink-0 rounded-full", n.read ? "bg-transparent" : "bg-accent")} aria-hidden />
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-center gap-2">
          <p className={cn("text-sm", n.read ? "text-ink-muted" : "font-semibold text-ink")}>{n.title}</p>
          {n.priority !== "normal" ? <Badge tone={PRIORITY_TONE[n.priority]}>{n.priority}</Badge> : null}
        </div>
        {n.body ? <p className={cn("mt-0.5 text-xs text-ink-muted", compact && "line-clamp-2")}>{n.body}</p> : null}
        <div className="mt-1 flex flex-wrap items-center gap-3 text-xs text-ink-muted">
          <Time value={n.createdAt} withDate />
          {n.link ? (
            <Link href={n.link} className="font-medium text-accent hover:underline" onClick={() => !n.read && onRead?.(n.id)}>
              Open
            </Link>
          ) : null}
          {!n.read && onRead ? (
            <button className="font-medium hover:text-ink" onClick={() => onRead(n.id)}>
              Mark read
            </button>
          ) : null}
        </div>
      </div>
    </div>
  );
}
