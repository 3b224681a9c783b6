import { NextResponse } from "next/server";
import { checkHealth } from "@/lib/health";

/** Public, for load balancers: 200 while serving, 503 when a dependency is down. */
export async function GET() {
  const report = await checkHealth();
  return NextResponse.json(report, {
    status: report.status === "unhealthy" ? 503 : 200,
    headers: { "Cache-Control": "no-store" },
  });
}
