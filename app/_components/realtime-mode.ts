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

/** One line per mode, for the settings page and the admin console. */
export const MODE_DESCRIPTIONS: Record<RealtimeMode, string> = {
  auto: "WebSocket where it works, else Server-Sent Events, else polling; moves back up on its own.",
  websocket: "Push over one WebSocket only; if a network blocks it, data waits until it reconnects.",
  sse: "Server-Sent Events over plain HTTP, for networks that block WebSocket.",
  polling: "Asks the server at the interval below; works through any proxy, with a delay.",
};

export const MODE_ORDER: RealtimeMode[] = ["auto", "websocket", "sse", "polling"];
