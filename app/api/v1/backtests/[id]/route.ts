import { withUser } from "@/lib/auth/session";
import { getBacktest } from "@/lib/db/backtests";
import { jsonError } from "@/lib/http/errors";
import { isBacktestId, toBacktestView } from "@/lib/producers/backtests";

/** GET /api/v1/backtests/:id — one run, for its owner or an admin (404 for anyone else). */
export const GET = withUser(async (_req, ctx: { params: Promise<{ id: string }> }, user) => {
  const { id } = await ctx.params;
  const row = isBacktestId(id) ? await getBacktest(id) : undefined;
  if (!row || (row.userId !== user.id && user.role !== "admin")) return jsonError("not_found", `No backtest ${id}.`);
  return Response.json({ backtest: toBacktestView(row) }, { headers: { "Cache-Control": "no-store" } });
});
