import { and, asc, desc, eq, gt, lt, lte, sql, type SQL } from "drizzle-orm";
import type { Signal } from "../producers/payloads";
import { db } from "./drizzle";
import { signals, type SignalRow, type SignalSide } from "./schema";

/** Trading signals: written by the strategy engine, read by the signals page and REST. */

export type NewSignal = Omit<Signal, "id" | "createdAt">;

export function toSignal(row: SignalRow): Signal {
  return { ...row, createdAt: row.createdAt.toISOString() };
}

export async function insertSignal(input: NewSignal): Promise<Signal> {
  const [row] = await (await db()).insert(signals).values(input).returning();
  if (!row) throw new Error("insert returned no row");
  return toSignal(row);
}

/** Signals with an id above `lastId`, oldest first: the catch-up read after a gap. */
export async function listSignalsAfter(lastId: number, limit: number): Promise<Signal[]> {
  const rows = await (await db()).select().from(signals).where(gt(signals.id, lastId)).orderBy(asc(signals.id)).limit(limit);
  return rows.map(toSignal);
}

export interface SignalFilter {
  symbol?: string;
  strategyId?: string;
  side?: SignalSide;
  /** Only ids below this (paging back through history). */
  beforeId?: number;
}

/** The newest signals matching the filter, newest first. */
export async function listRecentSignals(limit: number, filter: SignalFilter = {}): Promise<Signal[]> {
  const where: SQL[] = [];
  if (filter.symbol) where.push(eq(signals.symbol, filter.symbol));
  if (filter.strategyId) where.push(eq(signals.strategyId, filter.strategyId));
  if (filter.side) where.push(eq(signals.side, filter.side));
  if (filter.beforeId !== undefined) where.push(lt(signals.id, filter.beforeId));
  const rows = await (await db())
    .select()
    .from(signals)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(signals.id))
    .limit(limit);
  return rows.map(toSignal);
}

/** Keeps roughly the newest `keep` signals (by id); returns how many were deleted. */
export async function pruneSignals(keep: number): Promise<number> {
  const d = await db();
  const [top] = await d.select({ max: sql<number | null>`max(${signals.id})` }).from(signals);
  const max = Number(top?.max ?? 0);
  if (max <= keep) return 0;
  const deleted = await d.delete(signals).where(lte(signals.id, max - keep)).returning({ id: signals.id });
  return deleted.length;
}
