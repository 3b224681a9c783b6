"use client";

import { Activity, Gauge, Zap } from "lucide-react";
import Link from "next/link";
import { useTopic } from "@/lib/client/react";
import type { MonitoringSample, Signal, StrategiesSnapshot, SystemStatus } from "@/lib/producers/payloads";
import { formatBytes, formatNumber, formatPercent, formatPrice, formatSigned, toneOf } from "../../_components/live/format";
import { LivePanel } from "../../_components/live/live-panel";
import { EmptyState, Time } from "../../_components/live/states";
import { Stat } from "../../_components/live/stat";
import { HEALTH_TONE, STRATEGY_TONE } from "../../_components/live/tones";
import { Badge } from "../../_components/ui/badge";
import { cn } from "../../_components/ui/cn";
import { MarketCard, type MarketCardData } from "../markets/markets-view";

function More({ href, children }: { href: string; children: string }) {
  return (
    <Link href={href} className="text-xs font-medium text-accent hover:underline">
      {children}
    </Link>
  );
}

function SystemPanel() {
  const monitoring = useTopic<MonitoringSample>("monitoring");
  const status = useTopic<SystemStatus>("system_status");
  const level = status.data?.latest?.data.status;
  return (
    <LivePanel
      title="System"
      query={monitoring}
      actions={level ? <Badge tone={HEALTH_TONE[level]}>{level}</Badge> : null}
      empty={<EmptyState icon={Activity} title="No figures yet">The monitoring producer reports every few seconds.</EmptyState>}
    >
      {(snap) => {
        const s = snap.latest!.data;
        return (
          <div className="space-y-3">
            <div className="grid grid-cols-2 gap-3">
              <Stat label="CPU" value={formatPercent(s.cpu.processPercent)} sub={`host ${formatPercent(s.cpu.hostPercent)}`} />
              <Stat label="Memory" value={formatBytes(s.memory.rssBytes)} sub={`heap ${formatBytes(s.memory.heapUsedBytes)}`} />
              <Stat label="Loop lag p99" value={`${formatNumber(s.eventLoop.p99Ms, 1)} ms`} />
              <Stat label="Connections" value={s.connections.total} sub={`${formatNumber(s.messages.outPerSec, 1)} msg/s out`} />
            </div>
            <More href="/monitoring">Monitoring →</More>
          </div>
        );
      }}
    </LivePanel>
  );
}

function StrategiesPanel() {
  const strategies = useTopic<StrategiesSnapshot>("strategies");
  return (
    <LivePanel
      title="Strategies"
      query={strategies}
      isEmpty={(s) => !s.latest?.data.strategies.length}
      empty={<EmptyState icon={Gauge} title="No strategies running">The strategies producer is off or has not reported yet.</EmptyState>}
    >
      {(snap) => (
        <div className="space-y-3">
          <ul className="divide-y divide-line text-sm">
            {snap.latest!.data.strategies.map((s) => (
              <li key={s.id} className="flex items-center justify-between gap-3 py-2">
                <span className="min-w-0">
                  <span className="block truncate">{s.name}</span>
                  <Badge tone={STRATEGY_TONE[s.status]}>{s.status}</Badge>
                </span>
                <span className={cn("shrink-0 text-right font-mono tabular-nums", toneOf(s.pnl.total))}>
                  {formatSigned(s.pnl.total)}
                  <span className="block text-xs text-ink-muted">{s.currency}</span>
                </span>
              </li>
            ))}
          </ul>
          <More href="/strategies">Strategies →</More>
        </div>
      )}
    </LivePanel>
  );
}

function SignalsPanel({ initial }: { initial: Signal[] }) {
  const live = useTopic<Signal>("signals", { limit: 50 });
  const byId = new Map<number, Signal>();
  for (const s of [...initial, ...(live.data?.items.map((e) => e.data) ?? [])]) if (typeof s?.id === "number" && s.side) byId.set(s.id, s);
  const latest = [...byId.values()].sort((a, b) => b.id - a.id).slice(0, 6);
  return (
    <LivePanel
      title="Latest signals"
      query={live}
      isEmpty={() => latest.length === 0}
      empty={<EmptyState icon={Zap} title="No signals yet">They appear the moment a strategy trades.</EmptyState>}
    >
      {() => (
        <div className="space-y-3">
          <ul className="divide-y divide-line text-sm">
            {latest.map((s) => (
              <li key={s.id} className="flex items-center justify-between gap-3 py-2">
                <span className="min-w-0 truncate">
                  <span className={cn("mr-2 font-semibold uppercase", s.side === "buy" ? "text-live" : "text-danger")}>{s.side}</span>
                  {s.symbol} @ <span className="font-mono">{formatPrice(s.price)}</span>
                </span>
                <span className="shrink-0 font-mono text-xs text-ink-muted">
                  <Time value={s.createdAt} />
                </span>
              </li>
            ))}
          </ul>
          <More href="/signals">All signals →</More>
        </div>
      )}
    </LivePanel>
  );
}

/** The live half of the dashboard: markets, system, strategies, signals. */
export function DashboardLive({ markets, initialSignals }: { markets: MarketCardData[]; initialSignals: Signal[] }) {
  return (
    <div className="space-y-4">
      <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
        {markets.map((m) => (
          <MarketCard key={m.symbol} market={m} compact />
        ))}
      </div>
      <div className="grid gap-4 lg:grid-cols-3">
        <SystemPanel />
        <StrategiesPanel />
        <SignalsPanel initial={initialSignals} />
      </div>
    </div>
  );
}
