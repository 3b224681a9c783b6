"use client";

import { Gauge, Pause, Play, Square } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { toast } from "sonner";
import { useTopic } from "@/lib/client/react";
import type { StrategiesSnapshot, StrategyView } from "@/lib/producers/payloads";
import { formatNumber, formatPrice, formatSigned, toneOf } from "../../_components/live/format";
import { LivePanel } from "../../_components/live/live-panel";
import { EmptyState, Skeleton } from "../../_components/live/states";
import { Stat } from "../../_components/live/stat";
import { STRATEGY_TONE } from "../../_components/live/tones";
import { ago, useNow } from "../../_components/realtime/use-now";
import { Badge } from "../../_components/ui/badge";
import { Button } from "../../_components/ui/button";
import { cn } from "../../_components/ui/cn";

type Action = "start" | "pause" | "stop";

async function control(id: string, action: Action): Promise<void> {
  const res = await fetch(`/api/v1/strategies/${encodeURIComponent(id)}/${action}`, { method: "POST" });
  if (!res.ok) {
    const body = (await res.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
    throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
  }
}

function Controls({ s }: { s: StrategyView }) {
  const [pending, setPending] = useState<Action | null>(null);
  const run = async (action: Action) => {
    setPending(action);
    try {
      await control(s.id, action);
      toast.success(`${s.name}: ${action === "start" ? "started" : action === "pause" ? "paused" : "stopped"}`);
    } catch (err) {
      toast.error(`Could not ${action} ${s.name}`, { description: (err as Error).message });
    } finally {
      setPending(null);
    }
  };
  const button = (action: Action, label: string, Icon: typeof Play, enabled: boolean, variant: "secondary" | "danger" = "secondary") => (
    <Button size="sm" variant={variant} className="disabled:opacity-40" disabled={!enabled || pending !== null} onClick={() => void run(action)} aria-label={`${label} ${s.name}`}>
      <Icon className={cn("size-3.5", pending === action && "animate-pulse")} aria-hidden />
      {label}
    </Button>
  );
  return (
    <div className="flex flex-wrap gap-2">
      {button("start", s.status === "paused" ? "Resume" : "Start", Play, s.status !== "running")}
      {button("pause", "Pause", Pause, s.status === "running")}
      {button("stop", "Stop", Square, s.status !== "stopped", "danger")}
    </div>
  );
}

function StrategyCard({ s, isAdmin, now }: { s: StrategyView; isAdmin: boolean; now: number }) {
  const qty = s.position.quantity;
  return (
    <article className="flex min-w-0 flex-col gap-3 rounded-lg border border-line bg-canvas/40 p-4" data-testid={`strategy-${s.id}`}>
      <header className="flex items-start justify-between gap-3">
        <div className="min-w-0">
          <h3 className="truncate text-sm font-semibold">{s.name}</h3>
          <p className="mt-0.5 truncate text-xs text-ink-muted">
            <Link href={`/markets/${encodeURIComponent(s.symbol)}`} className="text-accent hover:underline">
              {s.symbol}
            </Link>{" "}
            · {Object.entries(s.params).map(([k, v]) => `${k} ${v}`).join(" · ")}
          </p>
        </div>
        <Badge tone={STRATEGY_TONE[s.status]}>
          <span data-testid="strategy-status">{s.status}</span>
        </Badge>
      </header>
      <dl className="grid grid-cols-2 gap-x-4 gap-y-2 text-sm sm:grid-cols-3">
        <div>
          <dt className="text-xs text-ink-muted">Position</dt>
          <dd className={cn("font-mono tabular-nums", toneOf(qty))}>{qty === 0 ? "flat" : `${qty > 0 ? "long" : "short"} ${formatNumber(Math.abs(qty), 4)}`}</dd>
        </div>
        <div>
          <dt className="text-xs text-ink-muted">Avg / last</dt>
          <dd className="font-mono tabular-nums">
            {formatPrice(s.position.avgPrice)} / {formatPrice(s.lastPrice)}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-ink-muted">P&amp;L total</dt>
          <dd className={cn("font-mono font-semibold tabular-nums", toneOf(s.pnl.total))}>
            {formatSigned(s.pnl.total)} <span className="text-xs font-normal text-ink-muted">{s.currency}</span>
          </dd>
        </div>
        <div>
          <dt className="text-xs text-ink-muted">Realised / open</dt>
          <dd className="font-mono tabular-nums">
            <span className={toneOf(s.pnl.realized)}>{formatSigned(s.pnl.realized)}</span> / <span className={toneOf(s.pnl.unrealized)}>{formatSigned(s.pnl.unrealized)}</span>
          </dd>
        </div>
        <div>
          <dt className="text-xs text-ink-muted">Trades</dt>
          <dd className="font-mono tabular-nums">{s.trades}</dd>
        </div>
        <div>
          <dt className="text-xs text-ink-muted">Last signal</dt>
          <dd className="tabular-nums">{s.lastSignalAt ? ago(s.lastSignalAt, now) : "none yet"}</dd>
        </div>
      </dl>
      {s.status !== "stopped" && s.warmupRemaining > 0 ? (
        <p className="text-xs text-warn">Warming up: {s.warmupRemaining} more ticks before it can trade.</p>
      ) : null}
      {isAdmin ? <Controls s={s} /> : null}
    </article>
  );
}

export function StrategiesView({ isAdmin }: { isAdmin: boolean }) {
  const strategies = useTopic<StrategiesSnapshot>("strategies");
  const now = useNow();
  return (
    <LivePanel
      title="All strategies"
      query={strategies}
      isEmpty={(s) => !s.latest || s.latest.data.strategies.length === 0}
      data-testid="strategies-panel"
      skeleton={
        <div className="grid gap-3 md:grid-cols-2 xl:grid-cols-3">
          {Array.from({ length: 3 }, (_, i) => (
            <Skeleton key={i} className="h-48" />
          ))}
        </div>
      }
      empty={
        <EmptyState icon={Gauge} title="No strategies running">
          The strategies producer runs one strategy of each kind on the configured market symbols. It is switched off on this server, or has not reported yet.
        </EmptyState>
      }
    >
      {(snap) => {
        const { strategies: list, totals } = snap.latest!.data;
        return (
          <div className="space-y-4">
            <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
              <Stat label="Running" value={totals.running} valueClassName="text-live" />
              <Stat label="Paused" value={totals.paused} valueClassName={totals.paused ? "text-warn" : undefined} />
              <Stat label="Stopped" value={totals.stopped} />
              <Stat label="In profit" value={`${totals.inProfit} of ${list.length}`} valueClassName={totals.inProfit ? "text-live" : undefined} />
            </div>
            <div className="grid gap-3 md:grid-cols-2 xl:grid-cols-3">
              {list.map((s) => (
                <StrategyCard key={s.id} s={s} isAdmin={isAdmin} now={now} />
              ))}
            </div>
          </div>
        );
      }}
    </LivePanel>
  );
}
