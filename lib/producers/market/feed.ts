import { z } from "zod";
import type { Envelope } from "../../realtime/envelope";
import type { Hub, Subscription } from "../../realtime/hub";
import type { Tick } from "../payloads";

/** What a tick on market.<symbol> must hold to be used: anyone with an API key may publish one. */
const tickSchema = z.object({
  price: z.number().positive().finite(),
  volume: z.number().nonnegative().finite().default(0),
  ts: z.number().int().positive().optional(),
});

export function parseTick(symbol: string, envelope: Envelope): Tick | undefined {
  const parsed = tickSchema.safeParse(envelope.data);
  if (!parsed.success) return undefined;
  const raw = envelope.data as Partial<Tick>;
  return { ...raw, symbol, price: parsed.data.price, volume: parsed.data.volume, ts: parsed.data.ts ?? envelope.ts };
}

const SERVER: { userId: string; role: "admin" } = { userId: "system", role: "admin" };

/**
 * Feeds `onTick` every valid tick published on market.<symbol> (by the simulator or any API
 * client), starting with what the hub still holds. Returns the subscription to close.
 */
export async function subscribeTicks(hub: Hub, symbol: string, onTick: (tick: Tick) => void): Promise<Subscription> {
  const decision = await hub.topics.authorizeRead(`market.${symbol}`, SERVER);
  if (!decision.ok) throw new Error(decision.message);
  const deliver = (e: Envelope) => {
    const tick = parseTick(symbol, e);
    if (tick) onTick(tick);
  };
  const sub = await hub.subscribe(decision.topic, undefined, deliver);
  for (const e of sub.resume.messages) deliver(e);
  return sub;
}
