import { z } from "zod";
import { withUser } from "@/lib/auth/session";
import { config } from "@/lib/config";
import { countActiveBacktests, createBacktest, listBacktests } from "@/lib/db/backtests";
import { readJsonBody } from "@/lib/http/body";
import { jsonError } from "@/lib/http/errors";
import { parseQuery } from "@/lib/http/query";
import { backtestRequestSchema, toBacktestView } from "@/lib/producers/backtests";
import type { BacktestParams } from "@/lib/producers/payloads";
import { producerState } from "@/lib/producers/registry";

const MAX_BODY_BYTES = 16 * 1024;

/**
 * POST /api/v1/backtests — starts a backtest in the background: 202 with the run, whose
 * progress is published on backtest.<id> (readable by its owner) and which ends in a
 * notification.
 */
export const POST = withUser(async (req, _ctx: unknown, user) => {
  const body = await readJsonBody(req, backtestRequestSchema, MAX_BODY_BYTES);
  if (!body.ok) return body.response;
  const runner = producerState().backtests;
  if (!runner) return jsonError("unavailable", "Backtests are switched off on this server.");
  const max = config().BACKTEST_MAX_ACTIVE_PER_USER;
  if ((await countActiveBacktests(user.id)) >= max) {
    return jsonError("rate_limited", `You already have ${max} backtests queued or running; wait for one to finish.`, { retryAfterSec: 5 });
  }
  const { strategy, symbol, ...rest } = body.value;
  const params: BacktestParams = rest;
  const row = await createBacktest({ userId: user.id, strategy, symbol, params, runner: runner.id });
  runner.enqueue(row);
  return Response.json({ backtest: toBacktestView(row) }, { status: 202, headers: { Location: `/api/v1/backtests/${row.id}` } });
});

const listSchema = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });

/** GET /api/v1/backtests?limit= — the caller's backtests, newest first. */
export const GET = withUser(async (req, _ctx: unknown, user) => {
  const query = parseQuery(req, listSchema);
  if (!query.ok) return query.response;
  const rows = await listBacktests(user.id, query.value.limit);
  return Response.json({ backtests: rows.map(toBacktestView) }, { headers: { "Cache-Control": "no-store" } });
});
