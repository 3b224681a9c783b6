"use client";

import { RefreshCw } from "lucide-react";
import type { TopicSnapshot } from "@/lib/client/react";
import { cn } from "../ui/cn";
import { transportLabel } from "./link-label";
import { ago, useNow } from "./use-now";

/** "Updated 3 s ago · polling" with a manual refresh, for any live panel. */
export function Freshness({
  snapshot,
  onRefresh,
  refreshing,
}: {
  snapshot: TopicSnapshot | undefined;
  onRefresh: () => void;
  refreshing?: boolean;
}) {
  const now = useNow();
  const via = snapshot?.via === "rest" ? "refreshed" : transportLabel(snapshot?.via ?? null);
  return (
    <span className="inline-flex items-center gap-1.5 text-xs text-ink-muted" data-testid="freshness">
      <span>{snapshot?.receivedAt ? `Updated ${ago(snapshot.receivedAt, now)} · ${via}` : "Waiting for data"}</span>
      <button
        type="button"
        onClick={onRefresh}
        className="rounded p-1 hover:bg-panel-raised hover:text-ink"
        aria-label="Refresh now"
        title="Refresh now"
      >
        <RefreshCw className={cn("size-3.5", refreshing && "animate-spin")} aria-hidden />
      </button>
    </span>
  );
}
