import type { RealtimeMode } from "@/lib/db/schema";

export const MODE_LABELS: Record<RealtimeMode, string> = {
  auto: "Auto",
  websocket: "WebSocket only",
  sse: "SSE only",
  polling: "Polling only",
};

export function describeInterval(ms: number): string {
  return `every ${Math.round(ms / 1000)} s`;
}
