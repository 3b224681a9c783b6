"use client";

import { Activity, Gauge, ServerCog } from "lucide-react";
import { useCallback, useEffect, useState } from "react";
import { useTopic } from "@/lib/client/react";
import type { CapacitySnapshot, MonitoringSample, SystemStatus } from "@/lib/producers/payloads";
import { formatBytes, formatDuration, formatNumber, formatPercent } from "../../_components/live/format";
import { LineChart } from "../../_components/live/line-chart";
import { LivePanel } from "../../_components/live/live-panel";
import { EmptyState, Skeleton, Time } from "../../_components/live/states";
import { Meter, Stat } from "../../_components/live/stat";
import { Badge } from "../../_components/ui/badge";
import { HEALTH_TONE } from "../../_components/live/tones";

const WINDOW_MS = 15 * 60_000;
const TRANSPORTS = ["websocket", "sse", "polling"] as const;

type Line = [name: string, color: string, pick: (s: MonitoringSample) => number];

const percent = (n: number) => `${Math.round(n)}%`;

/** The charts of the last minutes: each a few lines picked from the samples. */
const CHARTS: Array<{ title: string; format?: (n: number) => string; yMax?: number; lines: Line[] }> = [
  {
    title: "CPU",
    format: percent,
    yMax: 100,
    lines: [
      ["process", "var(--color-accent)", (x) => x.cpu.processPercent],
      ["host", "var(--color-warn)", (x) => x.cpu.hostPercent],
    ],
  },
  {
    title: "Memory",
    format: formatBytes,
    lines: [
      ["RSS", "var(--color-accent)", (x) => x.memory.rssBytes],
      ["heap used", "var(--color-live)", (x) => x.memory.heapUsedBytes],
    ],
  },
  {
    title: "Event-loop lag",
    format: (n) => `${n.toFixed(n < 10 ? 1 : 0)} ms`,
    lines: [
      ["p99", "var(--color-warn)", (x) => x.eventLoop.p99Ms],
      ["mean", "var(--color-accent)", (x) => x.eventLoop.meanMs],
    ],
  },
  {
    title: "Messages per second",
    format: (n) => n.toFixed(n < 10 ? 1 : 0),
    lines: [
      ["published", "var(--color-accent)", (x) => x.messages.inPerSec],
      ["delivered", "var(--color-live)", (x) => x.messages.outPerSec],
    ],
  },
  {
    title: "Connections by transport",
    lines: [
      ["WebSocket", "var(--color-live)", (x) => x.connections.websocket],
      ["SSE", "var(--color-accent)", (x) => x.connections.sse],
      ["polling", "var(--color-warn)", (x) => x.connections.polling],
    ],
  },
  {
    title: "Host memory in use",
    format: percent,
    yMax: 100,
    lines: [["used", "var(--color-accent)", (x) => (1 - x.memory.hostFreeBytes / x.memory.hostTotalBytes) * 100]],
  },
];

/** Keeps the samples of the last minutes: the server's history, then every live sample. */
function useSampleHistory(initial: MonitoringSample[], latest: MonitoringSample | undefined) {
  const [samples, setSamples] = useState(initial);
  useEffect(() => {
    if (!latest) return;
    setSamples((prev) => {
      if (prev.length && prev.at(-1)!.ts >= latest.ts) return prev;
      const cutoff = latest.ts - WINDOW_MS;
      return [...prev.filter((s) => s.ts >= cutoff), latest];
    });
  }, [latest]);
  const reload = useCallback(async () => {
    const res = await fetch("/api/v1/monitoring/history", { cache: "no-store" });
    if (res.ok) setSamples(((await res.json()) as { samples: MonitoringSample[] }).samples);
  }, []);
  return { samples, reload };
}

function ChartCard({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0 rounded-lg border border-line bg-canvas/40 p-3">
      <h3 className="mb-2 text-xs font-semibold uppercase tracking-wide text-ink-muted">{title}</h3>
      {children}
    </div>
  );
}

export function MonitoringView({ initialHistory, intervalMs }: { initialHistory: MonitoringSample[]; intervalMs: number }) {
  const monitoring = useTopic<MonitoringSample>("monitoring");
  const status = useTopic<SystemStatus>("system_status");
  const capacity = useTopic<CapacitySnapshot>("capacity");
  const latest = monitoring.data?.latest?.data;
  const { samples, reload } = useSampleHistory(initialHistory, latest);
  const span: [string, string] | undefined = samples.length > 1 ? [`${formatDuration(samples.at(-1)!.ts - samples[0]!.ts)} ago`, "now"] : undefined;

  return (
    <div className="space-y-4">
      <LivePanel
        title="This server"
        description={`Sampled every ${formatDuration(intervalMs)}; charts cover the last ${WINDOW_MS / 60_000} minutes.`}
        query={monitoring}
        onRefresh={() => void reload()}
        data-testid="monitoring-panel"
        skeleton={
          <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
            {Array.from({ length: 6 }, (_, i) => (
              <Skeleton key={i} className="h-16" />
            ))}
          </div>
        }
        empty={
          <EmptyState icon={Activity} title="No samples yet">
            The monitoring producer publishes a sample every {formatDuration(intervalMs)}. If none arrives, it is switched off on this server (PRODUCERS).
          </EmptyState>
        }
      >
        {(snap) => {
          const s = snap.latest!.data;
          return (
            <div className="space-y-4">
              <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
                <Stat label="CPU (process)" value={formatPercent(s.cpu.processPercent)} sub={`host ${formatPercent(s.cpu.hostPercent)} of ${s.cpu.cores} cores`} data-testid="stat-cpu" />
                <Stat label="Memory (RSS)" value={formatBytes(s.memory.rssBytes)} sub={`heap ${formatBytes(s.memory.heapUsedBytes)}`} data-testid="stat-memory" />
                <Stat label="Event-loop lag p99" value={`${formatNumber(s.eventLoop.p99Ms, 1)} ms`} sub={`max ${formatNumber(s.eventLoop.maxMs, 1)} ms`} />
                <Stat label="Connections" value={formatNumber(s.connections.total)} sub={`${s.subscriptions.total} subscriptions`} />
                <Stat label="Messages / s" value={`${formatNumber(s.messages.inPerSec, 1)} in`} sub={`${formatNumber(s.messages.outPerSec, 1)} out`} />
                <Stat label="Uptime" value={formatDuration(s.uptime.processSec * 1000)} sub={`load ${s.cpu.loadAvg.join(" · ")}`} />
              </div>
              <div className="grid gap-3 md:grid-cols-2">
                {CHARTS.map((c) => (
                  <ChartCard key={c.title} title={c.title}>
                    <LineChart
                      format={c.format}
                      yMax={c.yMax}
                      xLabel={span}
                      series={c.lines.map(([name, color, pick], i) => ({ name, color, area: i === 0 && c.lines.length < 3, points: samples.map((x) => [x.ts, pick(x)]) }))}
                    />
                  </ChartCard>
                ))}
              </div>
            </div>
          );
        }}
      </LivePanel>

      <div className="grid gap-4 md:grid-cols-2">
        <LivePanel
          title="Service status"
          query={status}
          data-testid="status-panel"
          empty={<EmptyState icon={ServerCog} title="No status yet">The status producer reports the database, memory and event-loop checks every few seconds.</EmptyState>}
        >
          {(snap) => {
            const st = snap.latest!.data;
            return (
              <div className="space-y-3">
                <div className="flex items-center justify-between gap-3">
                  <Badge tone={HEALTH_TONE[st.status]}>{st.status}</Badge>
                  <span className="text-xs text-ink-muted">
                    Node {st.node} · pid {st.pid} · up since <Time value={st.startedAt} withDate />
                  </span>
                </div>
                <ul className="divide-y divide-line text-sm">
                  {Object.entries(st.checks).map(([name, c]) => (
                    <li key={name} className="flex items-center justify-between gap-3 py-2">
                      <span className="capitalize">{name.replace(/_/g, " ")}</span>
                      <span className="flex items-center gap-2 text-xs text-ink-muted">
                        {c.detail}
                        <Badge tone={HEALTH_TONE[c.status]}>{c.status}</Badge>
                      </span>
                    </li>
                  ))}
                </ul>
                <p className="text-xs text-ink-muted">Producers: {st.producers.length ? st.producers.join(", ") : "none"}</p>
              </div>
            );
          }}
        </LivePanel>

        <LivePanel
          title="Capacity"
          description="Connections and subscriptions against the configured limits."
          query={capacity}
          data-testid="capacity-panel"
          empty={<EmptyState icon={Gauge} title="No capacity report yet">The capacity producer reports headroom every few seconds.</EmptyState>}
        >
          {(snap) => {
            const c = snap.latest!.data;
            return (
              <div className="space-y-4 text-sm">
                <div>
                  <div className="mb-1 flex justify-between text-xs">
                    <span className="text-ink-muted">
                      {c.total.connections} of {formatNumber(c.limits.maxConnections)} connections
                    </span>
                    <span className="font-mono">{formatNumber(c.total.connectionHeadroom)} free</span>
                  </div>
                  <Meter percent={c.total.connectionUsePercent} label="Connections in use" />
                </div>
                <table className="w-full text-left text-xs">
                  <thead className="text-ink-muted">
                    <tr>
                      <th className="py-1 font-medium">Transport</th>
                      <th className="py-1 text-right font-medium">Conns</th>
                      <th className="py-1 text-right font-medium">Subs</th>
                      <th className="hidden py-1 text-right font-medium sm:table-cell">Sub headroom</th>
                      <th className="w-24 py-1 pl-3 font-medium">Use</th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-line">
                    {TRANSPORTS.map((t) => (
                      <tr key={t}>
                        <td className="py-1.5 capitalize">{t === "sse" ? "SSE" : t}</td>
                        <td className="py-1.5 text-right font-mono">{c.transports[t].connections}</td>
                        <td className="py-1.5 text-right font-mono">{c.transports[t].subscriptions}</td>
                        <td className="hidden py-1.5 text-right font-mono sm:table-cell">{formatNumber(c.transports[t].subscriptionHeadroom)}</td>
                        <td className="py-1.5 pl-3">
                          <Meter percent={c.transports[t].subscriptionUsePercent} label={`${t} subscriptions in use`} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <p className="text-xs text-ink-muted">
                  Limits: {c.limits.maxConnectionsPerUser} connections per user, {c.limits.maxSubscriptionsPerConnection} subscriptions per connection.
                </p>
              </div>
            );
          }}
        </LivePanel>
      </div>
    </div>
  );
}
