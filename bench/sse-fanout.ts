/**
 * SSE fanout through the real production server (`node --import tsx server/main.ts`, a fresh
 * PGlite data folder, the tests' startServer): N streams of GET /api/v1/sse?topics=ext.bench
 * (one signed-in demo user, `Authorization: Bearer <session>`), while this process publishes
 * through POST /api/v1/publish as the admin at each rate. Prints delivery, publish-to-receive
 * latency (stamped here just before the publish request, so it includes the HTTP publish path;
 * one process's clock), and the server process's CPU, write system calls and RSS read from
 * /proc/<pid> (Linux).
 *
 * Needs a production build in this checkout (`npx next build`; on a shared checkout, build in a
 * private copy and run the benchmark there). The server gets PUBLISH_RATE/PUBLISH_BURST high
 * enough that the publish rate limit is not what is measured, and PRODUCERS=off (no built-in
 * data); its idle CPU is measured first and printed.
 *
 *   npm run bench:sse-fanout -- --clients=200 --rates=100,1000 --seconds=3
 *
 * Options (flag or environment): --clients BENCH_CLIENTS, --rates BENCH_RATES, --low-rate
 * BENCH_LOW_RATE (0 skips it), --seconds BENCH_SECONDS, --pad BENCH_PAD.
 */
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { hasProductionBuild, signIn, startServer, type RunningServer } from "../tests/helpers/server";
import { LatencyHistogram, argOrEnv, fmt, mb, numberList, sleep, table, type Cell } from "./lib/stats";

const clientCount = Math.min(Math.max(Number(argOrEnv("clients", "BENCH_CLIENTS", "200")), 1), 2_000);
const rates = numberList(argOrEnv("rates", "BENCH_RATES", "100,1000")).map((r) => Math.min(r, 20_000));
const lowRate = Math.min(Number(argOrEnv("low-rate", "BENCH_LOW_RATE", "10")), 100);
const seconds = Math.min(Math.max(Number(argOrEnv("seconds", "BENCH_SECONDS", "3")), 1), 30);
const pad = Math.min(Math.max(Number(argOrEnv("pad", "BENCH_PAD", "0")), 0), 16_000);
const TOPIC = "ext.bench";
const now = () => performance.timeOrigin + performance.now();

class Stats {
  messages = 0;
  ended = 0;
  lost = 0;
  readonly latency = new LatencyHistogram();
  lastAt = 0;
}

/**
 * One SSE stream read with node:http: events split on blank lines, `data` events scanned for
 * `seq` and `t`, `id:` kept; when the server ends the stream (a `resync` for a slow reader,
 * say) it reconnects with Last-Event-ID, as EventSource does.
 */
class SseBenchClient {
  lastSeq = 0;
  private lastId = "";
  private pending = "";
  private req?: http.ClientRequest;
  private stopped = false;
  readonly opened: Promise<void>;
  private markOpen!: () => void;
  private refused!: (err: Error) => void;

  constructor(
    private readonly base: string,
    private readonly bearer: string,
    private readonly group: { stats: Stats },
  ) {
    this.opened = new Promise((resolve, reject) => {
      this.markOpen = resolve;
      this.refused = reject;
    });
    this.connect();
  }

  private connect(): void {
    const headers: Record<string, string> = { authorization: `Bearer ${this.bearer}`, accept: "text/event-stream" };
    if (this.lastId) headers["last-event-id"] = this.lastId;
    this.pending = "";
    this.req = http.get(`${this.base}/api/v1/sse?topics=${TOPIC}`, { headers, agent: false }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        this.stopped = true;
        this.refused(new Error(`SSE answered ${res.statusCode}`));
        return;
      }
      res.setEncoding("utf8");
      res.on("data", (text: string) => this.onText(text));
      res.on("end", () => this.reconnect());
      res.on("error", () => {});
    });
    this.req.on("error", () => this.reconnect());
  }

  private reconnect(): void {
    if (this.stopped) return;
    this.group.stats.ended++;
    setTimeout(() => this.connect(), 50);
  }

  private onText(text: string): void {
    const t = now();
    const buffer = this.pending + text;
    const end = buffer.lastIndexOf("\n\n");
    if (end < 0) {
      this.pending = buffer;
      return;
    }
    this.pending = buffer.slice(end + 2);
    for (const event of buffer.slice(0, end).split("\n\n")) {
      if (event.startsWith("id: ")) this.lastId = event.slice(4, event.indexOf("\n"));
      if (!event.includes("event: data\n")) {
        if (event.includes("event: subscribed")) this.markOpen();
        continue;
      }
      const seqAt = event.indexOf('"seq":');
      const tAt = event.indexOf('"t":', seqAt);
      this.onData(parseInt(event.slice(seqAt + 6), 10), parseFloat(event.slice(tAt + 4)), t);
    }
  }

  private onData(seq: number, sentAt: number, t: number): void {
    const s = this.group.stats;
    if (seq <= this.lastSeq) return;
    if (this.lastSeq > 0 && seq > this.lastSeq + 1) s.lost += seq - this.lastSeq - 1;
    this.lastSeq = seq;
    s.messages++;
    s.lastAt = t;
    s.latency.record(t - sentAt);
  }

  stop(): void {
    this.stopped = true;
    this.req?.destroy();
  }
}

/** The server process's CPU (ms), write system calls and RSS, from /proc/<pid>. */
function procSample(pid: number) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  const syscw = /^syscw:\s*(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/io`, "utf8"));
  const rss = /^VmRSS:\s*(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return { userMs: Number(fields[11]) * tick, systemMs: Number(fields[12]) * tick, syscw: syscw ? Number(syscw[1]) : NaN, rss: rss ? Number(rss[1]) * 1024 : NaN };
}

/** Publishes `rate` msg/s for `durationMs` through the publish API, one request at a time. */
async function publish(base: string, bearer: string, rate: number, durationMs: number): Promise<number> {
  const t0 = performance.now();
  const total = Math.round((rate * durationMs) / 1000);
  const padding = "x".repeat(pad);
  let sent = 0;
  while (sent < total && performance.now() - t0 < durationMs * 3) {
    const owed = Math.min(total, Math.floor(((performance.now() - t0) * rate) / 1000) + 1) - sent;
    if (owed > 0) {
      const messages = Array.from({ length: owed }, (_, k) => ({ topic: TOPIC, data: { t: now(), sym: "BENCH", px: 100, qty: sent + k, pad: padding } }));
      const res = await fetch(`${base}/api/v1/publish`, {
        method: "POST",
        headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
        body: JSON.stringify({ messages }),
      });
      if (res.status !== 200) throw new Error(`publish answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
      sent += owed;
    }
    await sleep(Math.max(1, (sent * 1000) / rate - (performance.now() - t0)));
  }
  return sent;
}

async function sessionToken(base: string, email: string, password: string): Promise<string> {
  const { jar, error } = await signIn(base, email, password);
  const token = jar.get("next-auth.session-token");
  if (error || !token) throw new Error(`sign-in failed for ${email}: ${error ?? "no session cookie"}`);
  return token;
}

async function main() {
  if (!hasProductionBuild()) {
    console.error("bench/sse-fanout.ts needs a production build in this checkout: npx next build (on a shared checkout, in a private copy).");
    process.exit(2);
  }
  process.stderr.write("Starting the production server…\n");
  const server: RunningServer = await startServer({ env: { PUBLISH_RATE: "1000000", PUBLISH_BURST: "100000", PRODUCERS: "off", LOG_LEVEL: "info" } });
  const pid = server.child.pid!;
  const rows: Cell[][] = [];
  const clients: SseBenchClient[] = [];
  const loadBefore = os.loadavg();
  let idleCpuPerMs = 0;
  try {
    const admin = await sessionToken(server.url, "admin@switchback.local", "switchback-admin");
    const demo = await sessionToken(server.url, "demo@switchback.local", "switchback-demo");
    const group = { stats: new Stats() };
    for (let i = 0; i < clientCount; i += 50) {
      const batch = Array.from({ length: Math.min(50, clientCount - i) }, () => new SseBenchClient(server.url, demo, group));
      await Promise.all(batch.map((c) => c.opened));
      clients.push(...batch);
    }
    // What the server spends doing nothing of ours (samplers, timers), subtracted per message below.
    await sleep(1_000);
    const idle0 = procSample(pid);
    const idleStart = now();
    await sleep(3_000);
    const idle1 = procSample(pid);
    idleCpuPerMs = (idle1.userMs + idle1.systemMs - idle0.userMs - idle0.systemMs) / (now() - idleStart);
    let target = 0;
    const plan = [...(lowRate > 0 ? [lowRate] : []), ...rates];
    // Warm-up, not reported.
    target += await publish(server.url, admin, Math.min(...rates, 1_000), 1_000);
    for (const [i, rate] of plan.entries()) {
      const durationMs = lowRate > 0 && i === 0 ? Math.max(5_000, seconds * 1000) : seconds * 1000;
      await sleep(500);
      group.stats = new Stats();
      const before = procSample(pid);
      let peakRss = before.rss;
      const sampler = setInterval(() => (peakRss = Math.max(peakRss, procSample(pid).rss)), 100);
      const cpu0 = process.cpuUsage();
      const start = now();
      const published = await publish(server.url, admin, rate, durationMs);
      const publishedPerS = published / ((now() - start) / 1000);
      target += published;
      const deadline = Date.now() + Math.max(5_000, durationMs);
      while (Date.now() < deadline && clients.some((c) => c.lastSeq < target)) await sleep(20);
      const wallMs = now() - start;
      clearInterval(sampler);
      const after = procSample(pid);
      const cpu = process.cpuUsage(cpu0);
      const s = group.stats;
      const serverCpu = after.userMs - before.userMs + (after.systemMs - before.systemMs);
      rows.push([
        `${clientCount} × ${rate}/s`,
        publishedPerS,
        s.messages / Math.max(0.001, (s.lastAt - start) / 1000),
        fmt((s.messages / Math.max(1, published * clientCount)) * 100, 1),
        s.latency.quantile(0.5),
        s.latency.quantile(0.99),
        s.latency.max,
        s.ended,
        s.lost,
        (serverCpu / wallMs) * 100,
        after.userMs - before.userMs,
        after.systemMs - before.systemMs,
        s.messages > 0 ? (serverCpu * 1000) / s.messages : undefined,
        s.messages > 0 ? (Math.max(0, serverCpu - idleCpuPerMs * wallMs) * 1000) / s.messages : undefined,
        s.messages > 0 ? (after.syscw - before.syscw) / s.messages : undefined,
        `${mb(before.rss)}→${mb(after.rss)} (${mb(Math.max(peakRss, after.rss))})`,
        ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
      ]);
      process.stderr.write(`  ${clientCount} streams, ${rate} msg/s: ${fmt(s.messages)} delivered, p50 ${fmt(s.latency.quantile(0.5))} ms\n`);
    }
  } finally {
    for (const c of clients) c.stop();
    await server.dispose();
  }
  const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(" ");
  console.log(`\nSSE fanout — the production server (next build, server/main.ts, PGlite); node ${process.version}, ${os.cpus().length} CPUs, load average ${load(loadBefore)} before and ${load(os.loadavg())} after.`);
  console.log(`Producers off (PRODUCERS=off); the idle server used ${fmt(idleCpuPerMs * 100)}% of a core (samplers, timers; /proc ticks are 10 ms), subtracted in "net of idle".`);
  console.log(`${clientCount} streams of one demo user on ${TOPIC}; published here through POST /api/v1/publish (admin session); latency from just before the publish request to receipt (one clock).`);
  console.log(
    table(
      "SSE delivery and server cost (server CPU, write calls and RSS from /proc/<pid>, over publish + drain)",
      ["clients × rate", "published/s", "delivered/s", "delivered %", "p50 ms", "p99 ms", "max ms", "stream ends", "lost", "server CPU %", "user ms", "system ms", "CPU µs / msg", "net of idle", "write calls / msg", "RSS MB before→after (peak)", "load gen CPU %"],
      rows,
    ),
  );
  console.log("\nServer CPU per message here includes the publish requests and the Next.js route machinery; 'stream ends' are streams the server closed (a resync for a slow reader), each reconnected with Last-Event-ID.");
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
