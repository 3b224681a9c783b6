import type { HealthReport } from "../health";
import type { ClientEvents, ClientEventsSummary } from "./client-events";
import type { Hub } from "./hub";
import type { LiveConnections } from "./live-connections";
import type { TransportName } from "./metrics";

/**
 * The admin operations view's figures: every `intervalMs` a sample of this process's realtime
 * layer (connections and users by transport, rates from counter deltas, delivery latency
 * quantiles from the histogram's bucket deltas, slow consumers, WebSocket opens and refusals),
 * kept for `keep` samples and published whole on the admin-only state topic `admin.realtime`,
 * so the page is live through useTopic and a newcomer gets the series at once. The figures
 * are this process's; with several instances on one broker each publishes its own in turn,
 * named by `instance`, and the page tells them apart.
 */
export const OPS_TOPIC = "admin.realtime";

type PerTransport = Record<TransportName, number>;

export interface OpsSample {
  /** ms since the epoch. */
  t: number;
  connections: PerTransport;
  /** Distinct users on each transport, and in all. */
  users: PerTransport & { total: number };
  messagesInPerSec: number;
  messagesOutPerSec: PerTransport;
  /** Publish-to-write latency over the interval (WebSocket and SSE); null with no deliveries. */
  p50Ms: number | null;
  p99Ms: number | null;
  /** Slow stream subscribers told to resync during the interval. */
  resynced: number;
  coalesced: number;
  errors: number;
  /** WebSocket connections opened, and upgrades the server refused, during the interval. */
  websocketOpened: number;
  websocketRefused: number;
}

export interface OpsState {
  /** Which server process: with a shared broker (Redis) every instance publishes its own figures here. */
  instance: string;
  at: number;
  intervalMs: number;
  latest: OpsSample;
  /** Oldest first. */
  series: OpsSample[];
  fallbacks: ClientEventsSummary;
  websocket: {
    /** Over the series' window: opened / (opened + refused + failures browsers reported). */
    successRate: number | null;
    opened: number;
    refused: number;
    failed: number;
  };
  health: HealthReport;
}

/** What the sampler reads of the WebSocket endpoint (server/ws/stats.ts in production). */
export interface WebSocketView {
  users: Array<{ userId: string; connections: Array<{ id: string }> }>;
}

export interface OpsSamplerDeps {
  hub: Hub;
  websocket: () => WebSocketView;
  live: LiveConnections;
  clientEvents: ClientEvents;
  health: () => Promise<HealthReport>;
  instance: string;
  intervalMs: number;
  keep: number;
  now?: () => number;
}

/** Error kinds the WebSocket endpoint counts when it refuses an upgrade. */
const REFUSAL_KINDS = new Set(["origin", "unauthenticated", "account_disabled", "connection_cap", "auth_error"]);
const TRANSPORTS: TransportName[] = ["websocket", "sse", "polling"];

interface Totals {
  t: number;
  messagesIn: number;
  messagesOut: PerTransport;
  resynced: number;
  coalesced: number;
  errors: number;
  refused: number;
  /** Cumulative histogram counts by upper bound (all transports). */
  buckets: Map<number, number>;
}

/** The q-quantile (0..1) of a histogram given as cumulative counts by upper bound, in ms. */
export function histogramQuantile(cumulative: Array<[number, number]>, q: number): number | null {
  const sorted = [...cumulative].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total <= 0) return null;
  const target = q * total;
  let prevBound = 0;
  let prevCount = 0;
  for (const [bound, count] of sorted) {
    if (count >= target) {
      if (!Number.isFinite(bound)) return prevBound * 1000;
      const inBucket = count - prevCount;
      const share = inBucket > 0 ? (target - prevCount) / inBucket : 1;
      return (prevBound + (bound - prevBound) * share) * 1000;
    }
    prevBound = Number.isFinite(bound) ? bound : prevBound;
    prevCount = count;
  }
  return prevBound * 1000;
}

export class OpsSampler {
  private readonly series: OpsSample[] = [];
  private last?: Totals;
  private knownSockets = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly deps: OpsSamplerDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Takes a sample and publishes the state; the first call only sets the baseline for rates. */
  async tick(): Promise<OpsState | undefined> {
    const totals = await this.totals();
    const ws = this.deps.websocket();
    const sockets = new Set(ws.users.flatMap((u) => u.connections.map((c) => c.id)));
    const opened = [...sockets].filter((id) => !this.knownSockets.has(id)).length;
    this.knownSockets = sockets;
    const prev = this.last;
    this.last = totals;
    if (!prev) return undefined;

    const sample = this.sample(prev, totals, ws, opened);
    this.series.push(sample);
    if (this.series.length > this.deps.keep) this.series.splice(0, this.series.length - this.deps.keep);
    const state = this.state(sample, await this.deps.health().catch((err: unknown) => unhealthy(err)));
    await this.deps.hub.publishOne(OPS_TOPIC, state);
    return state;
  }

  private sample(prev: Totals, cur: Totals, ws: WebSocketView, websocketOpened: number): OpsSample {
    const seconds = Math.max(0.001, (cur.t - prev.t) / 1000);
    const rate = (a: number, b: number) => round(Math.max(0, b - a) / seconds, 2);
    const { sse, polling } = this.deps.live.users();
    const wsUsers = new Set(ws.users.filter((u) => u.connections.length > 0).map((u) => u.userId));
    const everyone = new Set([...wsUsers, ...sse, ...polling]);
    const delta: Array<[number, number]> = [...cur.buckets].map(([bound, n]) => [bound, n - (prev.buckets.get(bound) ?? 0)]);
    const ms = (v: number | null) => (v === null ? null : round(v, 2));
    return {
      t: cur.t,
      connections: {
        websocket: ws.users.reduce((n, u) => n + u.connections.length, 0),
        sse: [...sse].reduce((n, id) => n + this.deps.live.of(id).sse, 0),
        polling: polling.size,
      },
      users: { total: everyone.size, websocket: wsUsers.size, sse: sse.size, polling: polling.size },
      messagesInPerSec: rate(prev.messagesIn, cur.messagesIn),
      messagesOutPerSec: Object.fromEntries(TRANSPORTS.map((t) => [t, rate(prev.messagesOut[t], cur.messagesOut[t])])) as PerTransport,
      p50Ms: ms(histogramQuantile(delta, 0.5)),
      p99Ms: ms(histogramQuantile(delta, 0.99)),
      resynced: Math.max(0, cur.resynced - prev.resynced),
      coalesced: Math.max(0, cur.coalesced - prev.coalesced),
      errors: Math.max(0, cur.errors - prev.errors),
      websocketOpened,
      websocketRefused: Math.max(0, cur.refused - prev.refused),
    };
  }

  private state(latest: OpsSample, health: HealthReport): OpsState {
    const windowStart = this.series[0]!.t - this.deps.intervalMs;
    const opened = this.series.reduce((n, s) => n + s.websocketOpened, 0);
    const refused = this.series.reduce((n, s) => n + s.websocketRefused, 0);
    const failed = this.deps.clientEvents.websocketFailuresSince(windowStart);
    const attempts = opened + refused + failed;
    return {
      instance: this.deps.instance,
      at: latest.t,
      intervalMs: this.deps.intervalMs,
      latest,
      series: [...this.series],
      fallbacks: this.deps.clientEvents.summary(),
      websocket: { successRate: attempts > 0 ? round(opened / attempts, 4) : null, opened, refused, failed },
      health,
    };
  }

  private async totals(): Promise<Totals> {
    const m = this.deps.hub.metrics;
    const sum = (values: Array<{ value: number }>) => values.reduce((n, v) => n + v.value, 0);
    const out = (await m.messagesOut.get()).values;
    const errors = (await m.errors.get()).values;
    const buckets = new Map<number, number>();
    for (const v of (await m.deliveryLatency.get()).values) {
      if (!v.metricName?.endsWith("_bucket")) continue;
      const { le: bound } = v.labels as { le?: string | number };
      const le = bound === "+Inf" ? Infinity : Number(bound);
      buckets.set(le, (buckets.get(le) ?? 0) + v.value);
    }
    return {
      t: this.now(),
      messagesIn: sum((await m.messagesIn.get()).values),
      messagesOut: Object.fromEntries(TRANSPORTS.map((t) => [t, sum(out.filter((v) => v.labels.transport === t))])) as PerTransport,
      resynced: sum((await m.resynced.get()).values),
      coalesced: sum((await m.coalesced.get()).values),
      errors: sum(errors),
      refused: sum(errors.filter((v) => REFUSAL_KINDS.has(String(v.labels.kind)))),
      buckets,
    };
  }
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function unhealthy(err: unknown): HealthReport {
  const reason = err instanceof Error ? err.message : String(err);
  return { status: "unhealthy", checks: { sampler: { status: "unhealthy", reason } } };
}
