import type { LinkStatus } from "@/lib/client/react";
import type { BadgeTone } from "../ui/badge";

const TRANSPORT_LABEL = { websocket: "WebSocket", sse: "SSE", polling: "Polling" } as const;

export function transportLabel(t: keyof typeof TRANSPORT_LABEL | null | undefined): string {
  return t ? TRANSPORT_LABEL[t] : "None";
}

/** The header indicator's words and colour for a link status. */
export function describeLink(status: LinkStatus): { label: string; tone: BadgeTone } {
  const every = `every ${Math.round(status.settings.pollingIntervalMs / 1000)} s`;
  switch (status.state) {
    case "live":
      return status.transport === "polling"
        ? { label: `Polling · ${every}`, tone: "warn" }
        : { label: `Live · ${transportLabel(status.transport)}`, tone: "live" };
    case "connecting":
      return { label: "Connecting…", tone: "neutral" };
    case "reconnecting":
      return { label: "Reconnecting…", tone: "warn" };
    case "offline":
      return { label: "Offline", tone: "danger" };
    case "failed":
      return { label: "Not connected", tone: "danger" };
    case "signed_out":
      return { label: "Signed out", tone: "danger" };
    case "stopped":
      return { label: "Paused", tone: "neutral" };
  }
}
