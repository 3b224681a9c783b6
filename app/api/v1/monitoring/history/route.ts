import { withUser } from "@/lib/auth/session";
import { config } from "@/lib/config";
import { monitoringHistory } from "@/lib/producers/monitoring";

/** GET /api/v1/monitoring/history — the monitoring samples of the last minutes, oldest first. */
export const GET = withUser(async () => {
  return Response.json({ intervalMs: config().MONITORING_INTERVAL_MS, samples: monitoringHistory() }, { headers: { "Cache-Control": "no-store" } });
});
