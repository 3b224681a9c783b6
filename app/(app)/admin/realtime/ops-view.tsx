"use client";

import { Activity } from "lucide-react";
import { useEffect, useState } from "react";
import { useTopic } from "@/lib/client/react";
import type { OpsSample, OpsState } from "@/lib/realtime/ops-sampler";
import { formatNumber, formatPercent, formatTime } from "../../../_components/live/format";
import { LineChart, type ChartSeries } from "../../../_components/live/line-chart";
import { Stat } from "../../../_components/live/stat";
import { Freshness } from "../../../_components/realtime/freshness";
import { Badge, type BadgeTone } from "../../../_components/ui/badge";
import { Card, CardHeader } from "../../../_components/ui/card";

const TOPIC = "admin.realtime";
const COLORS = { websocket: "var(--color-live)", sse: "var(--color-accent)", polling: "var(--color-warn)" } as const;
const TRANSPORTS = ["websocket", "sse", "polling"] as const;
const LABEL = { websocket: "WebSocket", sse: "SSE", polling: "Polling" } as const;
const SHORT = { websocket: "WS", sse: "SSE", polling: "poll" } as const;
const HEALTH_TONE: Record<OpsState["health"]["status"], BadgeTone> = { healthy: "live", degraded: "warn", unhealthy: "danger" };

const line = (name: string, color: string, series: OpsSample[], pick: (s: OpsSample) => number | null, area = false): ChartSeries => ({
  name,
  color,
  area,
  points: series.flatMap((s) => {
    const v = pick(s);
    return v === null ? [] : [[s.t, v] as [number, number]];
  }),
});

const ms = (n: number) => (n < 10 ? n.toFixed(1) : formatNumber(n));

function ChartCard({ title, description, series, format, xLabel }: { title: string; description?: string; series: ChartSeries[]; format?: (n: number) => string; xLabel: [string, string] }) {
  return (
    <Card>
      <CardHeader title={title} description={description} />
      <LineChart series={series} height={120} format={format} xLabel={xLabel} />
    </Card>
  );
}

/** Users on each transport as one bar, with the shares in words. */
function TransportShare({ users }: { users: OpsSample["users"] }) {
  const counted = TRANSPORTS.reduce((n, t) => n + users[t], 0);
  return (
    <div data-testid="transport-share">
      <div className="flex h-2.5 overflow-hidden rounded-full bg-panel-raised" role="img" aria-label="Share of users on each transport">
        {counted > 0 ? TRANSPORTS.map((t) => <div key={t} style={{ width: `${(users[t] / counted) * 100}%`, background: COLORS[t] }} />) : null}
      </div>
      <ul className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-ink-muted">
        {TRANSPORTS.map((t) => (
          <li key={t} className="inline-flex items-center gap-1.5">
            <span className="size-2 rounded-full" style={{ background: COLORS[t] }} aria-hidden />
            {LABEL[t]} <span className="font-mono text-ink">{counted ? formatPercent((users[t] / counted) * 100, 0) : "—"}</span> ({users[t]})
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Fallbacks per minute as bars, and what browsers gave as the reasons. */
function Fallbacks({ fallbacks }: { fallbacks: OpsState["fallbacks"] }) {
  const max = Math.max(1, ...fallbacks.minutes.map((m) => m.fallbacks + m.upgrades));
  return (
    <Card data-testid="fallbacks">
      <CardHeader title="Fallbacks per minute" description="Reported by browsers as their link moves down (or back up) the ladder, last 15 minutes." />
      <div className="flex h-24 items-end gap-1" role="img" aria-label="Fallbacks and upgrades per minute">
        {fallbacks.minutes.map((m) => (
          <div key={m.at} className="flex h-full flex-1 flex-col justify-end gap-px" title={`${formatTime(m.at)}: ${m.fallbacks} fallbacks, ${m.upgrades} upgrades`}>
            <div className="rounded-t-sm bg-live/60" style={{ height: `${(m.upgrades / max) * 100}%` }} />
            <div className="rounded-t-sm bg-warn" style={{ height: `${(m.fallbacks / max) * 100}%` }} />
          </div>
        ))}
      </div>
      <div className="mt-1 flex justify-between text-[10px] text-ink-muted" suppressHydrationWarning>
        <span>{fallbacks.minutes[0] ? formatTime(fallbacks.minutes[0].at) : ""}</span>
        <span className="inline-flex gap-3">
          <span className="inline-flex items-center gap-1">
            <span className="size-2 rounded-sm bg-warn" aria-hidden /> fallback
          </span>
          <span className="inline-flex items-center gap-1">
            <span className="size-2 rounded-sm bg-live/60" aria-hidden /> upgrade
          </span>
        </span>
        <span>now</span>
      </div>
      <h3 className="mb-1.5 mt-4 text-xs font-semibold uppercase tracking-wider text-ink-muted">Reasons</h3>
      {fallbacks.reasons.length === 0 ? (
        <p className="text-sm text-ink-muted">No fallback reported.</p>
      ) : (
        <ul className="space-y-1 text-sm" data-testid="fallback-reasons">
          {fallbacks.reasons.slice(0, 8).map((r) => (
            <li key={r.reason} className="flex justify-between gap-3">
              <span className="min-w-0 break-words">{r.reason}</span>
              <span className="shrink-0 font-mono tabular-nums">{r.count}</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

/** An instance that has not published for this long has gone (or restarted under a new name). */
const INSTANCE_STALE_MS = 30_000;

/**
 * Each server instance publishes its own figures on the topic in turn (a shared broker): keeps
 * the latest of each, and which one the admin looks at.
 */
function useInstances(latest: OpsState | undefined) {
  const [byInstance, setByInstance] = useState<Record<string, OpsState>>({});
  const [chosen, setChosen] = useState<string>();
  useEffect(() => {
    if (!latest) return;
    setByInstance((prev) => {
      const next: Record<string, OpsState> = { [latest.instance]: latest };
      for (const [name, s] of Object.entries(prev)) if (name !== latest.instance && latest.at - s.at < INSTANCE_STALE_MS) next[name] = s;
      return next;
    });
  }, [latest]);
  const names = Object.keys(byInstance).sort();
  const current = chosen && byInstance[chosen] ? chosen : (names[0] ?? latest?.instance);
  return { names, current, state: (current && byInstance[current]) || latest, choose: setChosen };
}

/** The live operations view: figures and 15-minute charts of the server's realtime layer. */
export function OpsView() {
  const query = useTopic<OpsState>(TOPIC);
  const { names, current, state, choose } = useInstances(query.data?.latest?.data);
  const header = (
    <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
      <h2 className="flex items-center gap-2 text-sm font-semibold">
        <Activity className="size-4 text-ink-muted" aria-hidden />
        Live figures
        {state ? (
          <span data-testid="health-status">
            <Badge tone={HEALTH_TONE[state.health.status]}>{state.health.status}</Badge>
          </span>
        ) : null}
      </h2>
      <div className="flex flex-wrap items-center gap-3">
        {names.length > 1 ? (
          <label className="flex items-center gap-2 text-xs text-ink-muted">
            Instance
            <select value={current} onChange={(e) => choose(e.target.value)} className="h-7 rounded-md border border-line bg-canvas px-2 text-xs text-ink">
              {names.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <Freshness snapshot={query.data} onRefresh={() => void query.refetch()} refreshing={query.isFetching} />
      </div>
    </div>
  );
  if (!state) {
    return (
      <section className="mb-6" data-testid="ops-view">
        {header}
        <Card>
          <p className="text-sm text-ink-muted" role={query.isError ? "alert" : "status"}>
            {query.isError ? query.error.message : "Collecting the first sample (every 5 s)…"}
          </p>
        </Card>
      </section>
    );
  }

  const { latest, series, websocket } = state;
  const connections = TRANSPORTS.reduce((n, t) => n + latest.connections[t], 0);
  const outPerSec = TRANSPORTS.reduce((n, t) => n + latest.messagesOutPerSec[t], 0);
  const resynced = series.reduce((n, s) => n + s.resynced, 0);
  const xLabel: [string, string] = [series[0] ? formatTime(series[0].t) : "", "now"];
  const unhealthy = Object.entries(state.health.checks).filter(([, c]) => c.status !== "healthy");

  return (
    <section className="mb-6 space-y-4" data-testid="ops-view">
      {header}
      {unhealthy.length ? (
        <p role="alert" className="rounded-lg border border-danger/40 bg-danger/10 px-3 py-2 text-sm text-danger">
          {unhealthy.map(([name, c]) => `${name}: ${c.reason ?? c.status}`).join(" · ")}
        </p>
      ) : null}
      <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
        <Stat label="Connections" value={formatNumber(connections)} sub={TRANSPORTS.map((t) => `${latest.connections[t]} ${SHORT[t]}`).join(" · ")} data-testid="stat-connections" />
        <Stat label="Messages in / s" value={formatNumber(latest.messagesInPerSec, 1)} sub="published to the hub" />
        <Stat label="Messages out / s" value={formatNumber(outPerSec, 1)} sub={TRANSPORTS.map((t) => `${formatNumber(latest.messagesOutPerSec[t], 1)} ${SHORT[t]}`).join(" · ")} />
        <Stat label="Delivery p50 / p99" value={latest.p50Ms === null ? "—" : `${ms(latest.p50Ms)} / ${ms(latest.p99Ms ?? 0)} ms`} sub="publish → write, last 5 s" />
        <Stat
          label="WebSocket success"
          value={websocket.successRate === null ? "—" : formatPercent(websocket.successRate * 100, 1)}
          sub={`${websocket.opened} ok · ${websocket.refused} refused · ${websocket.failed} failed`}
          data-testid="stat-ws-success"
        />
        <Stat label="Resynced (15 min)" value={formatNumber(resynced)} sub="slow stream consumers" />
      </div>
      <Card>
        <CardHeader title="Users by transport" description={`${latest.users.total} user${latest.users.total === 1 ? "" : "s"} connected to this server`} />
        <TransportShare users={latest.users} />
      </Card>
      <div className="grid gap-4 lg:grid-cols-2">
        <ChartCard
          title="Connections by transport"
          series={TRANSPORTS.map((t) => line(LABEL[t], COLORS[t], series, (s) => s.connections[t]))}
          xLabel={xLabel}
        />
        <ChartCard
          title="Messages per second"
          series={[
            line("in", "var(--color-ink-muted)", series, (s) => s.messagesInPerSec),
            line("out", "var(--color-accent)", series, (s) => TRANSPORTS.reduce((n, t) => n + s.messagesOutPerSec[t], 0), true),
          ]}
          format={(n) => formatNumber(n, 1)}
          xLabel={xLabel}
        />
        <ChartCard
          title="Delivery latency"
          description="WebSocket and SSE, publish to write, per 5 s"
          series={[line("p50 ms", "var(--color-live)", series, (s) => s.p50Ms), line("p99 ms", "var(--color-warn)", series, (s) => s.p99Ms)]}
          format={ms}
          xLabel={xLabel}
        />
        <ChartCard
          title="Slow consumers and errors"
          description="Per 5 s"
          series={[line("resynced", "var(--color-warn)", series, (s) => s.resynced), line("errors", "var(--color-danger)", series, (s) => s.errors)]}
          xLabel={xLabel}
        />
      </div>
      <Fallbacks fallbacks={state.fallbacks} />
    </section>
  );
}
