import { and, count, desc, eq, inArray, isNull, or } from "drizzle-orm";
import { db } from "./drizzle";
import { backtests, type BacktestRow, type BacktestStatus } from "./schema";

/** Backtest runs: created by POST /api/v1/backtests, advanced by the runner in lib/producers. */

const ACTIVE: BacktestStatus[] = ["pending", "running"];

export async function createBacktest(input: { userId: string; strategy: string; symbol: string; params: unknown; runner?: string }): Promise<BacktestRow> {
  const [row] = await (await db()).insert(backtests).values(input).returning();
  if (!row) throw new Error("insert returned no row");
  return row;
}

export async function getBacktest(id: string): Promise<BacktestRow | undefined> {
  const [row] = await (await db()).select().from(backtests).where(eq(backtests.id, id)).limit(1);
  return row;
}

export async function findBacktestOwner(id: string): Promise<string | undefined> {
  const [row] = await (await db()).select({ userId: backtests.userId }).from(backtests).where(eq(backtests.id, id)).limit(1);
  return row?.userId;
}

/** A user's backtests, newest first. */
export async function listBacktests(userId: string, limit: number): Promise<BacktestRow[]> {
  return (await db()).select().from(backtests).where(eq(backtests.userId, userId)).orderBy(desc(backtests.createdAt)).limit(limit);
}

export async function countActiveBacktests(userId: string): Promise<number> {
  const [row] = await (await db())
    .select({ n: count() })
    .from(backtests)
    .where(and(eq(backtests.userId, userId), inArray(backtests.status, ACTIVE)));
  return row?.n ?? 0;
}

export type BacktestPatch = Partial<Pick<BacktestRow, "status" | "progress" | "step" | "result" | "error" | "startedAt" | "finishedAt">>;

export async function updateBacktest(id: string, patch: BacktestPatch): Promise<void> {
  await (await db()).update(backtests).set(patch).where(eq(backtests.id, id));
}

/**
 * Runs whose runner is gone (a restart, a crashed instance): marked failed and returned so
 * their owners can be told. `isGone` judges each runner that owns active runs (null: unknown).
 */
export async function failInterruptedBacktests(error: string, isGone: (runner: string | null) => Promise<boolean>): Promise<BacktestRow[]> {
  const d = await db();
  const owners = await d.selectDistinct({ runner: backtests.runner }).from(backtests).where(inArray(backtests.status, ACTIVE));
  const gone: Array<string | null> = [];
  for (const { runner } of owners) if (await isGone(runner)) gone.push(runner);
  if (gone.length === 0) return [];
  const named = gone.filter((r): r is string => r !== null);
  const whose = [...(named.length ? [inArray(backtests.runner, named)] : []), ...(gone.includes(null) ? [isNull(backtests.runner)] : [])];
  return d
    .update(backtests)
    .set({ status: "failed", error, finishedAt: new Date() })
    .where(and(inArray(backtests.status, ACTIVE), or(...whose)))
    .returning();
}
