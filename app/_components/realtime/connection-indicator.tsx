"use client";

import * as Popover from "@radix-ui/react-popover";
import { useQueryClient } from "@tanstack/react-query";
import { RefreshCw } from "lucide-react";
import { useConnectionStatus, useRealtimeClient, type TopicSnapshot } from "@/lib/client/react";
import { Button } from "../ui/button";
import { cn } from "../ui/cn";
import { describeLink, transportLabel } from "./link-label";
import { ago, useNow } from "./use-now";

const DOT = { live: "bg-live", warn: "bg-warn", danger: "bg-danger", neutral: "bg-ink-muted", accent: "bg-accent" } as const;

function TopicTimes({ now }: { now: number }) {
  const queries = useQueryClient().getQueryCache().findAll({ queryKey: ["realtime"] });
  if (queries.length === 0) return <p className="text-ink-muted">No live topics on this page.</p>;
  return (
    <ul className="space-y-1">
      {queries.map((q) => {
        const snap = q.state.data as TopicSnapshot | undefined;
        return (
          <li key={q.queryHash} className="flex justify-between gap-3">
            <span className="truncate font-mono text-xs">{String(q.queryKey[1])}</span>
            <span className="shrink-0 text-xs text-ink-muted">
              {snap?.latest ? `#${snap.latest.seq} · ${ago(snap.receivedAt, now)}` : "waiting"}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

/** "Live · WebSocket" in the header; a click shows how data arrives and why. */
export function ConnectionIndicator() {
  const status = useConnectionStatus();
  const client = useRealtimeClient();
  const now = useNow();
  const { label, tone } = describeLink(status);
  const canRetryWs = (status.settings.mode === "auto" && status.transport !== "websocket") || (status.settings.mode === "websocket" && status.state !== "live");

  return (
    <Popover.Root>
      <Popover.Trigger asChild>
        <button
          data-testid="connection-indicator"
          data-state={status.state}
          data-transport={status.transport ?? ""}
          className="inline-flex h-8 shrink-0 items-center gap-2 whitespace-nowrap rounded-full border border-line bg-panel px-3 text-xs font-medium hover:bg-panel-raised"
          aria-label={`Realtime connection: ${label}. Show details`}
        >
          <span className={cn("size-2 rounded-full", DOT[tone], status.state === "live" && "animate-pulse")} aria-hidden />
          <span>{label}</span>
        </button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          align="end"
          sideOffset={8}
          className="z-50 w-[min(22rem,calc(100vw-2rem))] rounded-xl border border-line bg-panel p-4 text-sm shadow-2xl shadow-black/40"
        >
          <h2 className="font-semibold">Realtime connection</h2>
          <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5">
            <dt className="text-ink-muted">Transport</dt>
            <dd data-testid="details-transport">{transportLabel(status.transport)}</dd>
            <dt className="text-ink-muted">Mode</dt>
            <dd>{status.settings.mode === "auto" ? "Auto" : `${transportLabel(status.settings.mode)} only`}</dd>
            <dt className="text-ink-muted">Status</dt>
            <dd>{status.reason}</dd>
            {status.fallbackReason ? (
              <>
                <dt className="text-ink-muted">Fell back</dt>
                <dd data-testid="details-fallback">{status.fallbackReason}</dd>
              </>
            ) : null}
            <dt className="text-ink-muted">Round trip</dt>
            <dd>{status.latencyMs !== undefined ? `${status.latencyMs} ms` : "—"}</dd>
          </dl>
          <h3 className="mt-4 mb-1.5 text-xs font-semibold uppercase tracking-wider text-ink-muted">Topics</h3>
          <TopicTimes now={now} />
          {canRetryWs ? (
            <Button size="sm" variant="secondary" className="mt-4 w-full" onClick={() => client.ladder.retryWebSocket()}>
              <RefreshCw className="size-3.5" aria-hidden />
              {status.probing ? "Trying WebSocket…" : "Retry WebSocket"}
            </Button>
          ) : null}
          <Popover.Arrow className="fill-line" />
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
