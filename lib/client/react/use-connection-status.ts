"use client";

import { useSyncExternalStore } from "react";
import type { LinkStatus } from "../ladder";
import { useRealtimeClient } from "./context";

/** The live link's status (state, transport, reasons, latency), re-rendering on change. */
export function useConnectionStatus(): LinkStatus {
  const { ladder } = useRealtimeClient();
  return useSyncExternalStore(
    (onChange) => ladder.onStatus(onChange),
    () => ladder.status,
    () => ladder.status,
  );
}
