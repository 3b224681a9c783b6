/**
 * WebSocket fanout: N clients subscribed to one stream topic, the server publishing at several
 * rates, with the outbound queue's batching on and off side by side (two server processes, same
 * clients count, same rates, alternating which goes first). Prints delivery, latency, the
 * server's CPU and write system calls per delivered message, the batching ratio and memory.
 *
 *   npm run bench:ws-fanout -- --clients=200,1000 --rates=100,1000,5000 --seconds=3
 *
 * Options (flag or environment): --clients BENCH_CLIENTS, --rates BENCH_RATES, --low-rate
 * BENCH_LOW_RATE (the idle-socket latency check; 0 skips it), --seconds BENCH_SECONDS (per
 * rate), --pad BENCH_PAD (extra payload bytes per message), --max-offered BENCH_MAX_OFFERED
 * (skip clients × rate above this many deliveries/s; default 1,000,000). Numbers only, never a verdict.
 */
import os from "node:os";
import { performance } from "node:perf_hooks";
import { caughtUp, closeClients, openClients, PhaseStats, type BenchClient } from "./lib/client";
import type { PhaseCost } from "./lib/protocol";
import { BenchServer } from "./lib/server";
import { argOrEnv, fmt, mb, numberList, table, type Cell } from "./lib/stats";

const clientCounts = numberList(argOrEnv("clients", "BENCH_CLIENTS", "200,1000")).map((n) => Math.min(n, 5_000));
const rates = numberList(argOrEnv("rates", "BENCH_RATES", "100,1000,5000")).map((r) => Math.min(r, 50_000));
const lowRate = Math.min(Number(argOrEnv("low-rate", "BENCH_LOW_RATE", "10")), 100);
const seconds = Math.min(Math.max(Number(argOrEnv("seconds", "BENCH_SECONDS", "3")), 1), 30);
const pad = Math.min(Math.max(Number(argOrEnv("pad", "BENCH_PAD", "0")), 0), 16_000);
/** Rows asking more deliveries per second (clients × rate) than this are skipped: one load generator on this machine cannot. */
const maxOffered = Number(argOrEnv("max-offered", "BENCH_MAX_OFFERED", "1000000"));
const TOPIC = "ext.bench";

type Mode = "on" | "off";
interface Row {
  clients: number;
  rate: number;
  mode: Mode;
  publishedPerS: number;
  stats: PhaseStats;
  expected: number;
  deliveredPerS: number;
  complete: boolean;
  cost: PhaseCost;
  clientCpuPct: number;
}

const progress = (line: string) => process.stderr.write(`${line}\n`);

async function phase(server: BenchServer, clients: BenchClient[], group: { stats: PhaseStats }, target: { seq: number }, rate: number, durationMs: number) {
  group.stats = new PhaseStats();
  const cpu0 = process.cpuUsage();
  await server.begin();
  const start = performance.timeOrigin + performance.now();
  const published = await server.publish(TOPIC, rate, durationMs, pad);
  const publishedPerS = published / ((performance.timeOrigin + performance.now() - start) / 1000);
  target.seq += published;
  const complete = await caughtUp(clients, target.seq, Math.max(5_000, durationMs));
  const cost = await server.end();
  const cpu = process.cpuUsage(cpu0);
  const s = group.stats;
  return {
    publishedPerS,
    stats: s,
    expected: published * clients.length,
    deliveredPerS: s.messages / Math.max(0.001, (s.lastAt - start) / 1000),
    complete,
    cost,
    clientCpuPct: ((cpu.user + cpu.system) / 1000 / cost.wallMs) * 100,
  };
}

async function main() {
  const rows: Row[] = [];
  const skipped: string[] = [];
  const loadBefore = os.loadavg();
  const plan = [...(lowRate > 0 ? [lowRate] : []), ...rates];
  let clock = { offsetMs: 0, boundMs: 0 };
  let budget = 0;
  for (const n of clientCounts) {
    progress(`${n} clients: starting two servers (batching on, off) and connecting ${n} clients to each…`);
    const servers = { on: await BenchServer.start({ users: n, batching: true }), off: await BenchServer.start({ users: n, batching: false }) };
    budget = servers.on.ready.budget;
    const sides = {} as Record<Mode, { server: BenchServer; clients: BenchClient[]; group: { stats: PhaseStats }; target: { seq: number } }>;
    try {
      for (const mode of ["on", "off"] as const) {
        const server = servers[mode];
        const group = { stats: new PhaseStats() };
        const clients = await openClients(server.ready.wsUrl, server.ready.origin, TOPIC, n, group);
        sides[mode] = { server, clients, group, target: { seq: 0 } };
      }
      clock = await servers.on.clockOffset();
      // Warm-up, not reported: JIT and buffers on both sides, a second at the lowest rate.
      for (const side of Object.values(sides)) await phase(side.server, side.clients, side.group, side.target, Math.min(...rates, 1_000), 1_000);
      for (const [i, rate] of plan.entries()) {
        if (n * rate > maxOffered) {
          skipped.push(`${n} × ${rate}/s`);
          continue;
        }
        const durationMs = lowRate > 0 && i === 0 ? Math.max(5_000, seconds * 1000) : seconds * 1000;
        // Alternate which mode goes first, so a drift of the machine's load favours neither.
        const order: Mode[] = i % 2 === 0 ? ["on", "off"] : ["off", "on"];
        for (const mode of order) {
          const side = sides[mode];
          const r = await phase(side.server, side.clients, side.group, side.target, rate, durationMs);
          rows.push({ clients: n, rate, mode, ...r });
          progress(
            `  ${n} clients, ${rate} msg/s, batching ${mode}: ${fmt(r.deliveredPerS)} msg/s delivered, p50 ${fmt(r.stats.latency.quantile(0.5))} ms, ` +
              `server CPU ${fmt(r.cost.userMs + r.cost.systemMs)} ms${r.complete ? "" : " (not all delivered in time)"}`,
          );
        }
      }
    } finally {
      for (const side of Object.values(sides)) closeClients(side.clients);
      await Promise.all([servers.on.stop(), servers.off.stop()]);
    }
  }
  report(rows, clock, budget, loadBefore, skipped);
}

function report(rows: Row[], clock: { offsetMs: number; boundMs: number }, budget: number, loadBefore: number[], skipped: string[]) {
  const sample = JSON.stringify({ type: "data", topic: TOPIC, epoch: "AbCdEfGh", seq: 12345, ts: Date.now(), data: { t: performance.timeOrigin + performance.now(), sym: "BENCH", px: 100.42, qty: 12345, pad: "x".repeat(pad) } });
  const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(" ");
  console.log(`\nWebSocket fanout — node ${process.version}, ${os.cpus().length} CPUs, load average ${load(loadBefore)} before and ${load(os.loadavg())} after (a shared machine: noisy numbers)`);
  console.log(`One stream topic, ~${Buffer.byteLength(sample)} bytes per message; server in its own process (production limits, send budget ${mb(budget)} MiB), clients in this one.`);
  console.log(`Latency: publish (the server stamps data.t just before hub.publish) to receipt of the frame here, both on performance.timeOrigin+now(); clock offset between the processes ${fmt(clock.offsetMs, 3)} ms (±${fmt(clock.boundMs, 3)}).`);

  const key = (r: Row) => `${r.clients} × ${r.rate}/s`;
  console.log(
    table(
      "Delivery (per mode: batching on = production, off = one frame per message)",
      ["clients × rate", "batching", "published/s", "delivered/s", "delivered %", "p50 ms", "p99 ms", "max ms", "resyncs", "lost", "load gen CPU %"],
      rows.map((r): Cell[] => [
        key(r),
        r.mode,
        r.publishedPerS,
        r.deliveredPerS,
        fmt((r.stats.messages / Math.max(1, r.expected)) * 100, 1),
        r.stats.latency.quantile(0.5),
        r.stats.latency.quantile(0.99),
        r.stats.latency.max,
        r.stats.resyncs,
        r.stats.lost,
        r.clientCpuPct,
      ]),
    ),
  );
  console.log(
    table(
      "Server cost (its own process: process.cpuUsage and /proc/self/io over publish + drain)",
      ["clients × rate", "batching", "CPU % of a core", "user ms", "system ms", "CPU µs / msg", "msgs / frame", "write calls / msg", "RSS MB before→after (peak)", "heap MB before→after (peak)"],
      rows.map((r): Cell[] => {
        const c = r.cost;
        const cpu = c.userMs + c.systemMs;
        return [
          key(r),
          r.mode,
          (cpu / c.wallMs) * 100,
          c.userMs,
          c.systemMs,
          c.delivered > 0 ? (cpu * 1000) / c.delivered : undefined,
          r.stats.frames > 0 ? r.stats.messages / r.stats.frames : undefined,
          c.writeSyscalls !== undefined && c.delivered > 0 ? c.writeSyscalls / c.delivered : undefined,
          `${mb(c.memBefore.rss)}→${mb(c.memAfter.rss)} (${mb(c.peakRss)})`,
          `${mb(c.memBefore.heapUsed)}→${mb(c.memAfter.heapUsed)} (${mb(c.peakHeap)})`,
        ];
      }),
    ),
  );
  const pairs = [...new Set(rows.map(key))].flatMap((k) => {
    const on = rows.find((r) => key(r) === k && r.mode === "on");
    const off = rows.find((r) => key(r) === k && r.mode === "off");
    return on && off ? [{ k, on, off }] : [];
  });
  const perMsg = (r: Row) => ((r.cost.userMs + r.cost.systemMs) * 1000) / Math.max(1, r.cost.delivered);
  const writesPerMsg = (r: Row) => (r.cost.writeSyscalls ?? NaN) / Math.max(1, r.cost.delivered);
  console.log(
    table(
      "Batching on vs one write per message (ratios are off ÷ on: above 1 means batching saves)",
      ["clients × rate", "CPU/msg off÷on", "system CPU off÷on", "writes/msg off÷on", "delivered/s on÷off", "p50 ms on | off", "p99 ms on | off"],
      pairs.map(({ k, on, off }): Cell[] => [
        k,
        perMsg(off) / perMsg(on),
        off.cost.systemMs / Math.max(0.001, on.cost.systemMs),
        writesPerMsg(off) / writesPerMsg(on),
        on.deliveredPerS / Math.max(1, off.deliveredPerS),
        `${fmt(on.stats.latency.quantile(0.5))} | ${fmt(off.stats.latency.quantile(0.5))}`,
        `${fmt(on.stats.latency.quantile(0.99))} | ${fmt(off.stats.latency.quantile(0.99))}`,
      ]),
    ),
  );
  console.log(
    "\nmsgs / frame: data messages received per WebSocket frame (1 = no grouping). write calls: the server process's write/writev\n" +
      "system calls (Node may still merge one socket's backed-up writes into one writev even without batching). 'load gen CPU %'\n" +
      "near 100 means this client process, not the server, limited delivery at that row; 'lost' counts messages a resynced\n" +
      "client could no longer recover from history. CPU % of a core well under 100 while delivery lags means the processes\n" +
      "waited for a CPU (other work on the machine): compare CPU per message, msgs/frame and write calls, not throughput alone.",
  );
  if (skipped.length) console.log(`Skipped (clients × rate above --max-offered=${maxOffered} deliveries/s): ${skipped.join(", ")}.`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
