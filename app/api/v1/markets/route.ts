import { withUser } from "@/lib/auth/session";
import { config } from "@/lib/config";
import { marketSummaries } from "@/lib/producers/market/read";
import { hub } from "@/lib/realtime/instance";

/** GET /api/v1/markets — the configured symbols with their latest tick. */
export const GET = withUser(async () => {
  const c = config();
  const symbols = await marketSummaries(hub(), c.marketSymbols);
  return Response.json({ symbols, candleIntervalMs: c.CHART_INTERVAL_MS }, { headers: { "Cache-Control": "no-store" } });
});
