import { eq } from "drizzle-orm";
import { db } from "./drizzle";
import { auditLog, strategyStates, type StrategyStatus } from "./schema";

/** The state admins put strategies in; survives restarts. */

export async function loadStrategyStatuses(): Promise<Map<string, StrategyStatus>> {
  const rows = await (await db()).select().from(strategyStates);
  return new Map(rows.map((r) => [r.id, r.status]));
}

/** Records a strategy's new state and who set it, with an audit entry, in one transaction. */
export async function saveStrategyStatus(id: string, status: StrategyStatus, actorId: string | null): Promise<void> {
  await (await db()).transaction(async (tx) => {
    const [before] = await tx.select().from(strategyStates).where(eq(strategyStates.id, id)).limit(1);
    const now = new Date();
    await tx
      .insert(strategyStates)
      .values({ id, status, updatedAt: now, updatedBy: actorId })
      .onConflictDoUpdate({ target: strategyStates.id, set: { status, updatedAt: now, updatedBy: actorId } });
    await tx.insert(auditLog).values({
      actorId,
      action: `strategy.${status === "running" ? "start" : status === "paused" ? "pause" : "stop"}`,
      targetType: "strategy",
      targetId: id,
      before: before ? { status: before.status } : null,
      after: { status },
    });
  });
}
