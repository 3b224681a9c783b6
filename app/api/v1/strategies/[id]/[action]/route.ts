import { z } from "zod";
import { withAdmin } from "@/lib/auth/session";
import { jsonError } from "@/lib/http/errors";
import { producerState } from "@/lib/producers/registry";
import { isStrategyControlError } from "@/lib/producers/strategies/engine";

const actionSchema = z.enum(["start", "pause", "stop"]);

/** POST /api/v1/strategies/:id/{start,pause,stop} — admins only; audited; published at once. */
export const POST = withAdmin(async (req, ctx: { params: Promise<{ id: string; action: string }> }, user) => {
  const { id, action } = await ctx.params;
  const parsed = actionSchema.safeParse(action);
  if (!parsed.success) return jsonError("not_found", `No API endpoint at POST ${new URL(req.url).pathname}.`);
  const engine = producerState().strategies;
  if (!engine) return jsonError("unavailable", "The strategies producer is switched off on this server.");
  try {
    return Response.json({ strategy: await engine.control(id, parsed.data, user.id) });
  } catch (err) {
    if (isStrategyControlError(err)) return jsonError(err.code, err.message);
    throw err;
  }
});
