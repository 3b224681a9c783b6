"use server";

import { z } from "zod";
import { currentUser } from "@/lib/auth/session";
import { MARKET_SYMBOL } from "@/lib/config";
import { listRecentSignals } from "@/lib/db/signals";
import { SIGNAL_SIDES } from "@/lib/db/schema";
import type { Signal } from "@/lib/producers/payloads";

const olderSchema = z.object({
  beforeId: z.number().int().positive(),
  symbol: z.string().regex(MARKET_SYMBOL).optional(),
  strategyId: z.string().max(100).optional(),
  side: z.enum(SIGNAL_SIDES).optional(),
  limit: z.number().int().min(1).max(200),
});

/** The page of signals before `beforeId` (newest first) matching the filters: "Load older". */
export async function loadOlderSignals(input: z.infer<typeof olderSchema>): Promise<Signal[]> {
  if (!(await currentUser())) throw new Error("Your session has ended: sign in again.");
  const { beforeId, limit, ...filter } = olderSchema.parse(input);
  return listRecentSignals(limit, { ...filter, beforeId });
}
