import { eq } from "drizzle-orm";
import { db } from "./drizzle";
import { auditLog, userSettings, type RealtimeMode } from "./schema";
import type { RealtimeSettings } from "./queries";

export interface SettingsChange {
  mode?: RealtimeMode;
  pollingIntervalMs?: number;
  locked?: boolean;
}

/**
 * Writes a user's realtime settings and, in the same transaction, an audit row with before
 * and after. The database's CHECK constraint has the last word on the interval.
 */
export async function writeRealtimeSettings(
  userId: string,
  change: SettingsChange,
  actorId: string,
): Promise<{ before: RealtimeSettings; after: RealtimeSettings }> {
  return (await db()).transaction(async (tx) => {
    const [row] = await tx.select().from(userSettings).where(eq(userSettings.userId, userId)).for("update");
    if (!row) throw new Error(`No settings row for user ${userId}`);
    const before: RealtimeSettings = { mode: row.realtimeMode, pollingIntervalMs: row.pollingIntervalMs, locked: row.locked };
    const after: RealtimeSettings = {
      mode: change.mode ?? before.mode,
      pollingIntervalMs: change.pollingIntervalMs ?? before.pollingIntervalMs,
      locked: change.locked ?? before.locked,
    };
    await tx
      .update(userSettings)
      .set({ realtimeMode: after.mode, pollingIntervalMs: after.pollingIntervalMs, locked: after.locked, updatedAt: new Date(), updatedBy: actorId })
      .where(eq(userSettings.userId, userId));
    await tx.insert(auditLog).values({ actorId, action: "realtime_settings.update", targetType: "user", targetId: userId, before, after });
    return { before, after };
  });
}
