import { z } from "zod";
import { getRealtimeSettings, type RealtimeSettings } from "../db/queries";
import { POLLING_INTERVAL_MAX_MS, POLLING_INTERVAL_MIN_MS, REALTIME_MODES } from "../db/schema";
import { writeRealtimeSettings } from "../db/settings";
import { hub } from "../realtime/instance";

const settingsFields = {
  mode: z.enum(REALTIME_MODES, { error: `mode must be one of ${REALTIME_MODES.join(", ")}` }).optional(),
  pollingIntervalMs: z
    .number({ error: "pollingIntervalMs must be a number of milliseconds" })
    .int("pollingIntervalMs must be a whole number of milliseconds")
    .min(POLLING_INTERVAL_MIN_MS, `pollingIntervalMs must be at least ${POLLING_INTERVAL_MIN_MS} (3 s)`)
    .max(POLLING_INTERVAL_MAX_MS, `pollingIntervalMs must be at most ${POLLING_INTERVAL_MAX_MS} (30 s)`)
    .optional(),
};

/** A user's own change: either field, nothing else. */
export const settingsUpdateSchema = z
  .object(settingsFields)
  .strict()
  .refine((v) => v.mode !== undefined || v.pollingIntervalMs !== undefined, "Send mode, pollingIntervalMs or both");

/** An admin's change to a user's settings: also the lock. */
export const adminSettingsUpdateSchema = z
  .object({ ...settingsFields, locked: z.boolean({ error: "locked must be true or false" }).optional() })
  .strict()
  .refine((v) => v.mode !== undefined || v.pollingIntervalMs !== undefined || v.locked !== undefined, "Send mode, pollingIntervalMs, locked or several");

export type SettingsUpdate = z.infer<typeof settingsUpdateSchema>;

export class SettingsLockedError extends Error {
  constructor() {
    super("An administrator has locked your realtime settings.");
  }
}

/** Saves (with an audit row) and pushes the change to every open tab of the user, on every instance. */
export async function applySettingsChange(userId: string, change: Parameters<typeof writeRealtimeSettings>[1], actorId: string) {
  const result = await writeRealtimeSettings(userId, change, actorId);
  const { mode, pollingIntervalMs } = result.after;
  await hub().notifyUser(userId, { type: "settings", mode, pollingIntervalMs });
  return result;
}

/** The user changes their own settings; refused while an admin has locked them. */
export async function updateOwnSettings(userId: string, update: SettingsUpdate): Promise<RealtimeSettings> {
  if ((await getRealtimeSettings(userId)).locked) throw new SettingsLockedError();
  return (await applySettingsChange(userId, update, userId)).after;
}
