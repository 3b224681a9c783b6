/**
 * A slow consumer: K normal clients and one client that subscribes and then never reads a
 * byte, on a stream topic at a high rate. Prints, over time, what the server holds for the
 * never-reading connection (its outbound queue and the socket's bufferedAmount) and the server
 * process's memory, the resyncs it sent, and the normal clients' delivery and latency, next to
 * the same load without the slow client before and after (their spread is the machine's noise).
 *
 *   npm run bench:slow-consumer -- --clients=20 --rate=2000 --seconds=10 --pad=500
 *
 * Options (flag or environment): --clients BENCH_CLIENTS, --rate BENCH_RATE, --seconds
 * BENCH_SECONDS, --pad BENCH_PAD (payload bytes per message), --sample-ms BENCH_SAMPLE_MS,
 * --heartbeat-ms BENCH_HEARTBEAT_MS (default: production's 25 s, longer than the run; e.g. 3000
 * shows the never-reading peer dropped by the heartbeat and what it held released).
 */
import { performance } from "node:perf_hooks";
import { maskedTextFrame, rawWebSocket } from "../tests/helpers/ws-client";
import { caughtUp, closeClients, openClients, PhaseStats, type BenchClient } from "./lib/client";
import type { Held, PhaseCost } from "./lib/protocol";
import { BenchServer } from "./lib/server";
import { argOrEnv, fmt, mb, sleep, table, type Cell } from "./lib/stats";

const clientCount = Math.min(Math.max(Number(argOrEnv("clients", "BENCH_CLIENTS", "20")), 1), 2_000);
const rate = Math.min(Math.max(Number(argOrEnv("rate", "BENCH_RATE", "2000")), 1), 20_000);
const seconds = Math.min(Math.max(Number(argOrEnv("seconds", "BENCH_SECONDS", "10")), 1), 60);
const pad = Math.min(Math.max(Number(argOrEnv("pad", "BENCH_PAD", "500")), 0), 16_000);
const sampleMs = Math.max(Number(argOrEnv("sample-ms", "BENCH_SAMPLE_MS", "500")), 100);
/** The server's heartbeat (0: production's); a short one shows the never-reading peer dropped. */
const heartbeatMs = Math.max(Number(argOrEnv("heartbeat-ms", "BENCH_HEARTBEAT_MS", "0")), 0);
const TOPIC = "ext.flood";
const kb = (bytes: number) => Math.round(bytes / 1024);

interface Outcome {
  label: string;
  stats: PhaseStats;
  expected: number;
  cost: PhaseCost;
  complete: boolean;
}

async function run(
  label: string,
  server: BenchServer,
  clients: BenchClient[],
  group: { stats: PhaseStats },
  target: { seq: number },
  load: { rate: number; seconds: number },
  sample?: (elapsedMs: number, stats: PhaseStats) => Promise<void>,
): Promise<Outcome> {
  const { rate, seconds } = load;
  group.stats = new PhaseStats();
  await server.begin();
  const start = performance.now();
  const publishing = server.publish(TOPIC, rate, seconds * 1000, pad);
  let published: number | undefined;
  void publishing.then((n) => (published = n));
  // Sample while publishing, and for a moment after, at a bounded number of points.
  const samples = Math.ceil((seconds * 1000 + 2_000) / sampleMs);
  for (let i = 1; i <= samples && sample; i++) {
    await sleep(start + i * sampleMs - performance.now());
    await sample(performance.now() - start, group.stats);
  }
  await publishing;
  target.seq += published!;
  const complete = await caughtUp(clients, target.seq, 10_000);
  const cost = await server.end();
  return { label, stats: group.stats, expected: published! * clients.length, cost, complete };
}

async function main() {
  const slowUser = `b${clientCount}`;
  process.stderr.write(`Starting the server and ${clientCount} normal clients…\n`);
  const server = await BenchServer.start({ users: clientCount + 1, batching: true, heartbeatMs: heartbeatMs || undefined });
  const group = { stats: new PhaseStats() };
  const target = { seq: 0 };
  let clients: BenchClient[] = [];
  const timeline: Cell[][] = [];
  const outcomes: Outcome[] = [];
  let heldMax = 0;
  let resyncsBefore = 0;
  try {
    clients = await openClients(server.ready.wsUrl, server.ready.origin, TOPIC, clientCount, group);
    // Warm-up, not reported: two seconds at a quarter of the rate.
    await run("warm-up", server, clients, group, target, { rate: rate / 4, seconds: 2 });
    process.stderr.write(`Baseline: ${rate} msg/s for ${seconds} s, no slow client…\n`);
    outcomes.push(await run("baseline (no slow client)", server, clients, group, target, { rate, seconds }));

    // A raw socket that upgrades, subscribes in the same write, and never reads again.
    const subscribe = maskedTextFrame(JSON.stringify({ type: "subscribe", id: "s", topic: TOPIC }));
    const raw = await rawWebSocket(`${server.ready.wsUrl}?access_token=token-${slowUser}`, [subscribe], { origin: server.ready.origin });
    if (!/^HTTP\/1\.1 101/.test(raw.head)) throw new Error(`slow client refused: ${raw.head.split("\r\n")[0]}`);
    while ((await server.held(slowUser)).connections === 0) await sleep(20);
    resyncsBefore = (await server.held(slowUser)).resynced;
    process.stderr.write(`With one never-reading client: ${rate} msg/s for ${seconds} s…\n`);
    outcomes.push(
      await run("with one never-reading client", server, clients, group, target, { rate, seconds }, async (elapsedMs, stats) => {
        const h: Held = await server.held(slowUser);
        const held = h.queuedBytes + h.bufferedAmount;
        heldMax = Math.max(heldMax, held);
        timeline.push([fmt(elapsedMs / 1000, 1), h.connections, kb(h.queuedBytes), kb(h.bufferedAmount), kb(held), mb(h.rss), mb(h.heapUsed), h.resynced - resyncsBefore, stats.messages]);
      }),
    );
    raw.socket.destroy();
    while ((await server.held(slowUser)).connections > 0) await sleep(20);
    // The same load again without it: the spread between the two baselines is this machine's noise.
    process.stderr.write(`Baseline again, the slow client gone…\n`);
    outcomes.push(await run("baseline again (slow client gone)", server, clients, group, target, { rate, seconds }));
  } finally {
    closeClients(clients);
    await server.stop();
  }

  console.log(`\nSlow consumer — ${clientCount} normal clients + 1 that never reads; one stream topic at ${rate} msg/s for ${seconds} s, ${pad} payload bytes per message.`);
  console.log(
    `Server in its own process, production limits: send budget ${mb(server.ready.budget)} MiB per connection (bufferedAmount + queued), batching on, heartbeat ${heartbeatMs ? `${heartbeatMs} ms` : "25 s (production)"}.`,
  );
  console.log(
    table(
      "What the server holds for the never-reading connection, over time",
      ["t s", "open", "queued KiB", "bufferedAmount KiB", "held KiB", "server RSS MB", "heap MB", "resyncs sent (all)", "normal msgs so far"],
      timeline,
    ),
  );
  console.log(`\nMost held for it at any sample: ${kb(heldMax)} KiB (budget ${kb(server.ready.budget)} KiB). The kernel's socket buffers absorb the first megabytes before anything waits in the server.`);
  console.log(
    table(
      "Normal clients, baseline vs with the slow client",
      ["run", "delivered %", "p50 ms", "p99 ms", "max ms", "resyncs (normal clients)", "lost", "server resyncs", "server CPU ms", "server RSS MB before→after (peak)"],
      outcomes.map((o): Cell[] => [
        o.label,
        fmt((o.stats.messages / Math.max(1, o.expected)) * 100, 1) + (o.complete ? "" : " (not all in time)"),
        o.stats.latency.quantile(0.5),
        o.stats.latency.quantile(0.99),
        o.stats.latency.max,
        o.stats.resyncs,
        o.stats.lost,
        o.cost.resynced,
        o.cost.userMs + o.cost.systemMs,
        `${mb(o.cost.memBefore.rss)}→${mb(o.cost.memAfter.rss)} (${mb(o.cost.peakRss)})`,
      ]),
    ),
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
