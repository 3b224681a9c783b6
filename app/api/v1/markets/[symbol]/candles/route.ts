import { z } from "zod";
import { withUser } from "@/lib/auth/session";
import { jsonError } from "@/lib/http/errors";
import { parseQuery } from "@/lib/http/query";
import { readCandles } from "@/lib/producers/market/read";

const querySchema = z.object({ limit: z.coerce.number().int().min(1).max(5_000).default(300) });

/** GET /api/v1/markets/:symbol/candles?limit= — the newest candles with their indicators. */
export const GET = withUser(async (req, ctx: { params: Promise<{ symbol: string }> }) => {
  const query = parseQuery(req, querySchema);
  if (!query.ok) return query.response;
  const symbol = decodeURIComponent((await ctx.params).symbol);
  const series = readCandles(symbol, query.value.limit);
  if (!series) return jsonError("not_found", `No chart for ${symbol}.`);
  return Response.json(series, { headers: { "Cache-Control": "no-store" } });
});
