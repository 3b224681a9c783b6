import type { RealtimeClient } from "@/lib/client/realtime-client";
import type { TransportName } from "@/lib/client/transports/transport";

const RANK: Record<TransportName, number> = { websocket: 0, sse: 1, polling: 2 };

function report(event: { kind: "fallback" | "upgrade"; from: TransportName; to: TransportName; reason: string }) {
  // Best effort: the operations view counts these; a lost report costs nothing.
  void fetch("/api/v1/realtime/client-events", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...event, reason: event.reason.slice(0, 300) }),
    keepalive: true,
  }).catch(() => {});
}

/**
 * Tells the server when this tab's link falls back down the ladder, or climbs back up on its
 * own (Auto mode), for the admin operations view's fallbacks per minute and reasons. A switch
 * the user's mode asked for is neither. Returns the unsubscribe.
 */
export function reportLinkChanges(client: RealtimeClient): () => void {
  const stopFallbacks = client.onFallback((n) => report({ kind: "fallback", from: n.from, to: n.to, reason: n.reason }));
  let lastLive: TransportName | null = null;
  let lastMode = client.ladder.status.settings.mode;
  const stopStatus = client.ladder.onStatus(() => {
    const { state, transport, settings, reason } = client.ladder.status;
    if (settings.mode !== lastMode) {
      lastMode = settings.mode;
      lastLive = null;
    }
    if (state !== "live" || !transport) return;
    if (settings.mode === "auto" && lastLive && RANK[transport] < RANK[lastLive]) report({ kind: "upgrade", from: lastLive, to: transport, reason });
    lastLive = transport;
  });
  return () => {
    stopFallbacks();
    stopStatus();
  };
}
