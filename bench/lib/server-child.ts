/**
 * The benchmarked server, in its own process so that the load generator's work never counts as
 * the server's: the real WebSocket endpoint (server/ws) on 127.0.0.1, an in-memory hub and the
 * production limits (limitsFromConfig of an empty environment), through the same harness the
 * tests use (tests/helpers/ws-harness.ts: tokens "token-<userId>", no database). The parent
 * drives it over the IPC channel (see ServerRequest) and publishes nothing itself: the paced
 * publisher runs here, so a message's `t` is stamped where it is published.
 *
 * argv: --users=<n> (users b0…b<n-1>)  --batching=on|off  --budget=<sendBufferBytes>  --heartbeat=<ms>
 */
import fs from "node:fs";
import { performance } from "node:perf_hooks";
import { loadConfig } from "../../lib/config";
import { limitsFromConfig } from "../../server/ws/endpoint";
import { startWsHarness } from "../../tests/helpers/ws-harness";
import type { PhaseCost, ServerReply, ServerRequest } from "./protocol";

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

// The defaults of an empty environment: what production runs unless configured otherwise.
const production = limitsFromConfig(loadConfig({ NODE_ENV: "production" }));
const limits = {
  ...production,
  batching: arg("batching") !== "off",
  sendBufferBytes: Number(arg("budget") ?? production.sendBufferBytes),
  heartbeatMs: Number(arg("heartbeat") ?? production.heartbeatMs),
};

const h = await startWsHarness(limits);
for (let i = 0; i < Number(arg("users") ?? 0); i++) h.users.set(`b${i}`, { id: `b${i}`, email: `b${i}@bench.invalid`, name: `b${i}`, role: "user" });

/** Write syscalls of this process (write, writev…) from /proc; undefined off Linux. */
function writeSyscalls(): number | undefined {
  try {
    const m = /^syscw:\s*(\d+)/m.exec(fs.readFileSync("/proc/self/io", "utf8"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

const gc = (globalThis as { gc?: () => void }).gc;
function memory() {
  gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed };
}

let peakRss = 0;
let peakHeap = 0;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
}, 100);
sampler.unref();

/** What a phase started from. */
let started: { cpu: NodeJS.CpuUsage; syscw?: number; at: number; mem: { rss: number; heapUsed: number }; out: number; resynced: number } | undefined;

async function counters() {
  const snap = await h.metrics.snapshot();
  return { out: snap.messagesOut.websocket ?? 0, resynced: snap.resynced };
}

/**
 * Publishes `rate` messages/s to `topic` for `durationMs` on a timer that wakes when the next
 * message is due (at least 1 ms later): each turn publishes what is owed by then (one at low
 * rates, about rate/1000 at high ones, more after a stall), so messages are as evenly spread as
 * the event loop allows, never bunched on purpose. Answers how many it published.
 */
async function publish(topic: string, rate: number, durationMs: number, padBytes: number): Promise<number> {
  const pad = "x".repeat(padBytes);
  const t0 = performance.now();
  let sent = 0;
  const total = Math.round((rate * durationMs) / 1000);
  // Bounded even when the server cannot keep up: it stops after three times the planned time.
  while (sent < total && performance.now() - t0 < durationMs * 3) {
    const owed = Math.min(total, Math.floor(((performance.now() - t0) * rate) / 1000) + 1) - sent;
    if (owed > 0) {
      const items = [];
      for (let k = 0; k < owed; k++) {
        items.push({ topic, data: { t: performance.timeOrigin + performance.now(), sym: "BENCH", px: 100 + (sent % 100) / 100, qty: sent, pad } });
        sent++;
      }
      await h.hub.publish(items);
    }
    // Until the next message is due (at least 1 ms): a slow rate costs no idle polling.
    const due = (sent * 1000) / rate - (performance.now() - t0);
    await new Promise((r) => setTimeout(r, Math.max(1, due)));
  }
  return sent;
}

async function handle(req: ServerRequest): Promise<ServerReply> {
  switch (req.cmd) {
    case "clock":
      return { id: req.id, now: performance.timeOrigin + performance.now() };
    case "begin": {
      const mem = memory();
      peakRss = mem.rss;
      peakHeap = mem.heapUsed;
      started = { cpu: process.cpuUsage(), syscw: writeSyscalls(), at: performance.now(), mem, ...(await counters()) };
      return { id: req.id };
    }
    case "publish":
      return { id: req.id, published: await publish(req.topic, req.rate, req.durationMs, req.padBytes) };
    case "end": {
      if (!started) throw new Error("end without begin");
      const cpu = process.cpuUsage(started.cpu);
      const syscw = writeSyscalls();
      const wallMs = performance.now() - started.at;
      const c = await counters();
      const mem = memory();
      const cost: PhaseCost = {
        wallMs,
        userMs: cpu.user / 1000,
        systemMs: cpu.system / 1000,
        writeSyscalls: syscw !== undefined && started.syscw !== undefined ? syscw - started.syscw : undefined,
        delivered: c.out - started.out,
        resynced: c.resynced - started.resynced,
        memBefore: started.mem,
        memAfter: mem,
        peakRss: Math.max(peakRss, mem.rss),
        peakHeap: Math.max(peakHeap, mem.heapUsed),
      };
      started = undefined;
      return { id: req.id, cost };
    }
    case "held": {
      const conns = h.endpoint.connectionsOf(req.userId);
      const { resynced } = await counters();
      return {
        id: req.id,
        held: {
          connections: conns.length,
          queuedBytes: conns.reduce((n, c) => n + c.queuedBytes, 0),
          bufferedAmount: conns.reduce((n, c) => n + c.bufferedAmount, 0),
          rss: process.memoryUsage.rss(),
          heapUsed: process.memoryUsage().heapUsed,
          resynced,
        },
      };
    }
    case "stop":
      setImmediate(() => void h.close().finally(() => process.exit(0)));
      return { id: req.id };
  }
}

process.on("message", (req: ServerRequest) => {
  handle(req).then(
    (reply) => process.send!(reply),
    (err: unknown) => process.send!({ id: req.id, error: String(err) }),
  );
});
// The parent gone (killed, crashed): never linger.
process.on("disconnect", () => process.exit(0));

process.send!({ ready: true, wsUrl: h.wsUrl, origin: h.origin, batching: limits.batching, budget: limits.sendBufferBytes });
