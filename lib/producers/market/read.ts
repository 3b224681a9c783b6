import type { Hub } from "../../realtime/hub";
import type { CandleSeries as CandleSeriesPayload, MarketSummary, Tick } from "../payloads";
import { candleStore } from "./candles";
import { parseTick } from "./feed";
import { profileFor } from "./simulator";

/** Reads of the market data for pages and REST: the latest ticks and the candles kept. */

const SERVER = { userId: "system", role: "admin" as const };

/** The last tick the hub holds for a symbol, or null when none was published. */
export async function latestTick(hub: Hub, symbol: string): Promise<Tick | null> {
  const decision = await hub.topics.authorizeRead(`market.${symbol}`, SERVER);
  if (!decision.ok) return null;
  const { messages } = await hub.read(decision.topic, undefined);
  const last = messages.at(-1);
  return (last && parseTick(symbol, last)) ?? null;
}

export async function marketSummaries(hub: Hub, symbols: string[]): Promise<MarketSummary[]> {
  return Promise.all(symbols.map(async (symbol) => ({ symbol, currency: profileFor(symbol).currency, last: await latestTick(hub, symbol) })));
}

/** The newest `limit` candles of a charted symbol, or undefined when it is not charted. */
export function readCandles(symbol: string, limit: number): CandleSeriesPayload | undefined {
  const series = candleStore().get(symbol);
  if (!series) return undefined;
  return { symbol, intervalMs: series.intervalMs, spec: series.spec, candles: series.candles().slice(-limit), last: series.last };
}
