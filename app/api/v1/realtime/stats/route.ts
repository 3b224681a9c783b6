import { withCaller } from "@/lib/auth/request-auth";
import { hub } from "@/lib/realtime/instance";

/**
 * GET /api/v1/realtime/stats (admin): connections and subscriptions by transport, messages in
 * and out, coalesced, resynced, errors, and the hub's live sink count (for leak checks).
 */
export const GET = withCaller("admin", async () => {
  const h = hub();
  const snapshot = await h.metrics.snapshot();
  return Response.json(
    { ...snapshot, sinks: h.sinkCount(), broker: h.broker.name, serverTime: Date.now() },
    { headers: { "Cache-Control": "no-store" } },
  );
});
