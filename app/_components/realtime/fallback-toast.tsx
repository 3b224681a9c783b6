"use client";

import { useEffect } from "react";
import { toast } from "sonner";
import { useRealtimeClient } from "@/lib/client/react";
import { reportLinkChanges } from "./report-link-changes";

const HIDE_KEY = "switchback.realtime.hideFallbackToast";

function describeRung(rung: string, intervalMs: number): string {
  return rung === "polling" ? `polling every ${Math.round(intervalMs / 1000)} s` : "Server-Sent Events";
}

/** Once per page load, says that push failed and what the data now rides on. */
export function FallbackToast() {
  const client = useRealtimeClient();
  useEffect(() => {
    let shown = false;
    const stopReporting = reportLinkChanges(client);
    const stopToast = client.onFallback((notice) => {
      if (shown || localStorage.getItem(HIDE_KEY) === "1") return;
      shown = true;
      const rung = describeRung(notice.to, client.ladder.status.settings.pollingIntervalMs);
      toast(`Realtime push unavailable — switched to ${rung}`, {
        description: notice.reason,
        duration: 10_000,
        action: { label: "Retry", onClick: () => client.ladder.retryWebSocket() },
        cancel: { label: "Don't show again", onClick: () => localStorage.setItem(HIDE_KEY, "1") },
      });
    });
    return () => {
      stopReporting();
      stopToast();
    };
  }, [client]);
  return null;
}
