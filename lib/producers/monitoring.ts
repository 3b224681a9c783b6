import os from "node:os";
import { performance, type EventLoopUtilization } from "node:perf_hooks";
import type { Hub } from "../realtime/hub";
import type { RealtimeMetrics } from "../realtime/metrics";
import { every, type Loop } from "./loop";
import type { MonitoringSample, Transport } from "./payloads";
import { producerState, type Producer } from "./registry";

const TRANSPORTS: Transport[] = ["websocket", "sse", "polling"];
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * Event-loop lag: a timer every `resolutionMs` notes how late it fires. Unlike
 * perf_hooks.monitorEventLoopDelay, taking the figures does not lose the next delay (a reset
 * histogram skips its first period, so a block just after a sample would go unseen).
 */
export class LagMonitor {
  private last = performance.now();
  private delays: number[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly resolutionMs = 20) {
    this.timer = setInterval(() => {
      const now = performance.now();
      this.delays.push(Math.max(0, now - this.last - this.resolutionMs));
      this.last = now;
    }, resolutionMs);
    this.timer.unref();
  }

  /** Mean, 99th percentile and max lag since the previous call, in ms. */
  take(): { meanMs: number; p99Ms: number; maxMs: number } {
    const d = this.delays.sort((a, b) => a - b);
    this.delays = [];
    if (d.length === 0) return { meanMs: 0, p99Ms: 0, maxMs: 0 };
    return {
      meanMs: round(d.reduce((a, b) => a + b, 0) / d.length),
      p99Ms: round(d[Math.min(d.length - 1, Math.ceil(d.length * 0.99) - 1)]!),
      maxMs: round(d.at(-1)!),
    };
  }

  close(): void {
    clearInterval(this.timer);
  }
}

function hostCpuTimes() {
  let busy = 0;
  let total = 0;
  for (const { times } of os.cpus()) {
    const b = times.user + times.nice + times.sys + times.irq;
    busy += b;
    total += b + times.idle;
  }
  return { busy, total };
}

/** Per-transport figures from a metrics label map, with a total. */
export function byTransport(values: Record<string, number>): Record<Transport, number> & { total: number } {
  const out = { websocket: 0, sse: 0, polling: 0, total: 0 };
  for (const t of TRANSPORTS) {
    out[t] = values[t] ?? 0;
    out.total += out[t];
  }
  return out;
}

/**
 * Real figures of this process and host. Each `sample()` covers the time since the previous
 * one: CPU from process.cpuUsage and os.cpus deltas, event-loop lag from a perf_hooks
 * histogram (reset per sample), message rates from the hub's counters.
 */
export class SystemSampler {
  private cpu = process.cpuUsage();
  private wall = performance.now();
  private host = hostCpuTimes();
  private elu: EventLoopUtilization = performance.eventLoopUtilization();
  private readonly lag = new LagMonitor();
  private messagesIn: number | undefined;
  private messagesOut: number | undefined;

  constructor(private readonly metrics: RealtimeMetrics) {}

  async sample(): Promise<MonitoringSample> {
    const now = performance.now();
    const wallMs = Math.max(1, now - this.wall);
    const cpu = process.cpuUsage(this.cpu);
    const host = hostCpuTimes();
    const hostTotal = host.total - this.host.total;
    const elu = performance.eventLoopUtilization(this.elu);
    const mem = process.memoryUsage();
    const snap = await this.metrics.snapshot();
    const outTotal = Object.values(snap.messagesOut).reduce((a, b) => a + b, 0);
    const sec = wallMs / 1000;

    const sample: MonitoringSample = {
      ts: Date.now(),
      intervalSec: round(sec, 3),
      cpu: {
        processPercent: round(((cpu.user + cpu.system) / 1000 / wallMs) * 100),
        hostPercent: hostTotal > 0 ? round(((host.busy - this.host.busy) / hostTotal) * 100) : 0,
        cores: os.availableParallelism(),
        loadAvg: os.loadavg().map((n) => round(n)) as [number, number, number],
      },
      memory: {
        rssBytes: mem.rss,
        heapUsedBytes: mem.heapUsed,
        heapTotalBytes: mem.heapTotal,
        externalBytes: mem.external,
        hostTotalBytes: os.totalmem(),
        hostFreeBytes: os.freemem(),
      },
      eventLoop: { ...this.lag.take(), utilization: round(elu.utilization, 4) },
      uptime: { processSec: Math.round(process.uptime()), hostSec: Math.round(os.uptime()) },
      connections: byTransport(snap.connections),
      subscriptions: byTransport(snap.subscriptions),
      messages: {
        inPerSec: this.messagesIn === undefined ? 0 : round((snap.messagesIn - this.messagesIn) / sec),
        outPerSec: this.messagesOut === undefined ? 0 : round((outTotal - this.messagesOut) / sec),
        inTotal: snap.messagesIn,
        outTotal,
      },
    };
    this.cpu = process.cpuUsage();
    this.wall = now;
    this.host = host;
    this.elu = performance.eventLoopUtilization();
    this.messagesIn = snap.messagesIn;
    this.messagesOut = outTotal;
    return sample;
  }

  close(): void {
    this.lag.close();
  }
}

/** How much history the monitoring page can draw when it opens: 15 minutes. */
const HISTORY_MS = 15 * 60_000;

/** `monitoring`: publishes a sample every `intervalMs` and keeps the last minutes of them. */
export function monitoringProducer(deps: { hub: Hub; intervalMs: number }): Producer {
  let sampler: SystemSampler | undefined;
  let loop: Loop | undefined;
  const keep = Math.max(10, Math.ceil(HISTORY_MS / deps.intervalMs));
  return {
    name: "monitoring",
    async start() {
      const s = (sampler = new SystemSampler(deps.hub.metrics));
      const history = producerState().monitoringHistory;
      loop = every("monitoring", deps.intervalMs, async () => {
        const sample = await s.sample();
        history.push(sample);
        if (history.length > keep) history.splice(0, history.length - keep);
        await deps.hub.publishOne("monitoring", sample);
      });
    },
    async stop() {
      await loop?.stop();
      sampler?.close();
    },
  };
}

/** The samples kept for charts, oldest first. */
export function monitoringHistory(): MonitoringSample[] {
  return [...producerState().monitoringHistory];
}
