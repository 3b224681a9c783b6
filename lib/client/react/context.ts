"use client";

import { createContext, useContext } from "react";
import type { RealtimeClient } from "../realtime-client";

export const RealtimeContext = createContext<RealtimeClient | null>(null);

export function useRealtimeClient(): RealtimeClient {
  const client = useContext(RealtimeContext);
  if (!client) throw new Error("useRealtimeClient needs <RealtimeProvider> above it");
  return client;
}
