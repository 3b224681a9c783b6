import { hub } from "@/lib/realtime/instance";

/**
 * GET /metrics: the realtime layer's counters and the process's figures in Prometheus text
 * format. Unauthenticated, as scrapers expect: expose it only where operators can reach it.
 */
export async function GET(): Promise<Response> {
  const { registry } = hub().metrics;
  return new Response(await registry.metrics(), {
    headers: { "Content-Type": registry.contentType, "Cache-Control": "no-store" },
  });
}
