import crypto from "node:crypto";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { createBacktest, getBacktest } from "@/lib/db/backtests";
import { listNotifications } from "@/lib/db/notifications";
import { createUser } from "@/lib/db/queries";
import { BACKTEST_STEPS, BacktestRunner, backtestRequestSchema, registerBacktestOwners, toBacktestView } from "@/lib/producers/backtests";
import type { BacktestProgress } from "@/lib/producers/payloads";
import { Hub } from "@/lib/realtime/hub";
import { hub } from "@/lib/realtime/instance";
import { RealtimeMetrics } from "@/lib/realtime/metrics";
import { RedisBroker } from "@/lib/realtime/redis-broker";
import { TopicRegistry } from "@/lib/realtime/topics";
import { DRIVERS, useTestDatabase } from "../helpers/db";
import { deleteRedisKeys } from "../helpers/redis";

let n = 0;
const newUser = () => createUser({ email: `bt${++n}-${Date.now()}@example.com`, name: `B${n}`, passwordHash: "x", role: "user" });

async function watch(topic: string, userId: string) {
  const h = hub();
  const d = await h.topics.authorizeRead(topic, { userId, role: "user" });
  if (!d.ok) throw new Error(d.message);
  const got: BacktestProgress[] = [];
  const sub = await h.subscribe(d.topic, undefined, (e) => got.push(e.data as BacktestProgress));
  return { got, close: () => sub.close() };
}

describe("backtest request validation", () => {
  it("fills defaults and refuses bad input with the reason", () => {
    expect(backtestRequestSchema.parse({ strategy: "breakout", symbol: "AAPL" })).toEqual({
      strategy: "breakout",
      symbol: "AAPL",
      days: 30,
      barMinutes: 15,
      initialCapital: 100_000,
    });
    const problems = (body: unknown) => {
      const r = backtestRequestSchema.safeParse(body);
      return r.success ? [] : r.error.issues.map((i) => i.path.join("."));
    };
    expect(problems({ strategy: "martingale", symbol: "AAPL" })).toContain("strategy");
    expect(problems({ strategy: "breakout", symbol: "../etc" })).toContain("symbol");
    expect(problems({ strategy: "breakout", symbol: "AAPL", days: 0 })).toContain("days");
    expect(problems({ strategy: "breakout", symbol: "AAPL", barMinutes: 7 })).toContain("barMinutes");
    expect(problems({ strategy: "breakout", symbol: "AAPL", days: 365, barMinutes: 1 })).toContain("days");
    expect(problems({ strategy: "ema_cross", symbol: "AAPL", strategyParams: { fast: 50, slow: 20 } })).toContain("strategyParams");
    expect(problems({ strategy: "ema_cross", symbol: "AAPL", strategyParams: { nope: 1 } })).toContain("strategyParams");
    expect(problems({ strategy: "ema_cross", symbol: "AAPL", extra: true })).toEqual([""]);
  });
});

describe.each(DRIVERS)("backtests on %s", (driver) => {
  useTestDatabase(driver);

  it("runs to 100% through the named steps, publishing progress, and notifies the owner", async () => {
    const user = await newUser();
    const runner = new BacktestRunner({ hub: hub(), durationMs: 800, maxConcurrent: 2 });
    const row = await createBacktest({ userId: user.id, strategy: "ema_cross", symbol: "AAPL", params: { days: 10, barMinutes: 15, initialCapital: 50_000, seed: 9 } });
    const progress = await watch(`backtest.${row.id}`, user.id);
    const started = Date.now();
    runner.enqueue(row);
    await runner.idle();
    progress.close();

    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    const msgs = progress.got;
    expect(msgs[0]).toMatchObject({ id: row.id, status: "pending", progress: 0 });
    expect(msgs.at(-1)).toMatchObject({ status: "completed", progress: 100, etaMs: 0, error: null });
    // Progress only moves forward, through every named step in order, and the bar advances in between.
    const values = msgs.map((m) => m.progress);
    values.slice(1).forEach((v, i) => expect(v).toBeGreaterThanOrEqual(values[i]!));
    expect(new Set(values).size).toBeGreaterThan(5);
    const steps = [...new Set(msgs.map((m) => m.step).filter(Boolean))];
    expect(steps).toEqual(BACKTEST_STEPS);
    expect(msgs.every((m) => m.steps.length === BACKTEST_STEPS.length)).toBe(true);
    const running = msgs.filter((m) => m.status === "running");
    expect(running.some((m) => m.etaMs !== null && m.etaMs > 0)).toBe(true);
    expect(running.at(-1)!.elapsedMs).toBeGreaterThan(running[0]!.elapsedMs);

    const result = msgs.at(-1)!.result!;
    expect(result.bars).toBe(10 * 96);
    expect(result.initialCapital).toBe(50_000);
    expect(result.finalEquity).toBeCloseTo(50_000 * (1 + result.totalReturnPercent / 100), -1);
    expect(result.maxDrawdownPercent).toBeGreaterThanOrEqual(0);
    expect(result.equity.length).toBeGreaterThan(10);

    const stored = toBacktestView((await getBacktest(row.id))!);
    expect(stored).toMatchObject({ status: "completed", progress: 100, step: null, error: null });
    expect(stored.result).toEqual(result);
    expect(stored.startedAt).not.toBeNull();
    expect(stored.finishedAt).not.toBeNull();

    const [note] = await listNotifications(user.id, { limit: 1 });
    expect(note).toMatchObject({ title: "Backtest finished: EMA crossover on AAPL", priority: "normal", link: `/backtests?id=${row.id}`, read: false });
  });

  it("fails with the reason when there is too little data, and notifies with high priority", async () => {
    const user = await newUser();
    const runner = new BacktestRunner({ hub: hub(), durationMs: 0, maxConcurrent: 1 });
    const row = await createBacktest({ userId: user.id, strategy: "breakout", symbol: "0700.HK", params: { days: 1, barMinutes: 60, initialCapital: 10_000 } });
    const progress = await watch(`backtest.${row.id}`, user.id);
    runner.enqueue(row);
    await runner.idle();
    progress.close();
    expect(progress.got.at(-1)).toMatchObject({ status: "failed", error: expect.stringMatching(/Not enough data: 24 bars/) });
    expect((await getBacktest(row.id))!.status).toBe("failed");
    const [note] = await listNotifications(user.id, { limit: 1 });
    expect(note).toMatchObject({ title: "Backtest failed: Breakout on 0700.HK", priority: "high" });
  });

  it("runs at most maxConcurrent at once and marks runs a restart interrupted as failed", async () => {
    const user = await newUser();
    const runner = new BacktestRunner({ hub: hub(), durationMs: 5_000, maxConcurrent: 1 });
    const params = { days: 2, barMinutes: 15, initialCapital: 10_000 };
    const a = await createBacktest({ userId: user.id, strategy: "mean_reversion", symbol: "AAPL", params });
    const b = await createBacktest({ userId: user.id, strategy: "mean_reversion", symbol: "AAPL", params });
    runner.enqueue(a);
    runner.enqueue(b);
    // However slow the machine: once the first runs, the second still waits its turn.
    for (let i = 0; i < 100 && (await getBacktest(a.id))!.status !== "running"; i++) await new Promise((r) => setTimeout(r, 20));
    expect((await getBacktest(a.id))!.status).toBe("running");
    expect((await getBacktest(b.id))!.status).toBe("pending");
    // A "restart": the runner goes away mid-run, a new one recovers.
    await runner.stop();
    const orphan = await createBacktest({ userId: user.id, strategy: "breakout", symbol: "AAPL", params });
    await new BacktestRunner({ hub: hub(), durationMs: 0, maxConcurrent: 1 }).recover();
    expect((await getBacktest(orphan.id))!).toMatchObject({ status: "failed", error: expect.stringMatching(/restarted/) });
    expect((await getBacktest(a.id))!.status).toBe("failed");
  });

  it.runIf(process.env.REDIS_URL)("with several instances, leaves a live runner's runs alone and fails them once it is gone", async () => {
    const prefix = `switchback-test-${crypto.randomBytes(4).toString("hex")}:`;
    const instance = () =>
      new Hub(
        new RedisBroker({ client: new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1 }), subscriber: new Redis(process.env.REDIS_URL!), prefix }),
        new TopicRegistry(),
        new RealtimeMetrics(),
      );
    const [hubA, hubB] = [instance(), instance()];
    try {
      const user = await newUser();
      const a = new BacktestRunner({ hub: hubA, durationMs: 0, maxConcurrent: 1 });
      const b = new BacktestRunner({ hub: hubB, durationMs: 0, maxConcurrent: 1 });
      await a.claim();
      const row = await createBacktest({ userId: user.id, strategy: "breakout", symbol: "AAPL", params: { days: 1, barMinutes: 60, initialCapital: 10_000 }, runner: a.id });
      await b.recover();
      expect((await getBacktest(row.id))!.status).toBe("pending");
      await a.stop();
      await b.recover();
      expect((await getBacktest(row.id))!).toMatchObject({ status: "failed", error: expect.stringMatching(/restarted/) });
    } finally {
      await Promise.all([hubA.close(), hubB.close()]);
      await deleteRedisKeys(process.env.REDIS_URL!, prefix);
    }
  });

  it("lets only the owner (and admins) read backtest.<id>", async () => {
    registerBacktestOwners();
    const [owner, other] = [await newUser(), await newUser()];
    const row = await createBacktest({ userId: owner.id, strategy: "breakout", symbol: "AAPL", params: { days: 1, barMinutes: 15, initialCapital: 10_000 } });
    const topics = hub().topics;
    expect((await topics.authorizeRead(`backtest.${row.id}`, { userId: owner.id, role: "user" })).ok).toBe(true);
    expect(await topics.authorizeRead(`backtest.${row.id}`, { userId: other.id, role: "user" })).toMatchObject({ ok: false, code: "forbidden" });
    expect((await topics.authorizeRead(`backtest.${row.id}`, { userId: other.id, role: "admin" })).ok).toBe(true);
    expect(await topics.authorizeRead("backtest.not-a-uuid", { userId: owner.id, role: "user" })).toMatchObject({ ok: false, code: "forbidden" });
  });
});
