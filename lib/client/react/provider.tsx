"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useState, type ReactNode } from "react";
import type { RealtimeSettingsPayload } from "../../realtime/protocol";
import { browserEnv, watchPageLifecycle } from "../browser-env";
import { RealtimeClient } from "../realtime-client";
import { DEFAULT_TIMINGS, type RealtimeTimings } from "../transports/transport";
import { RealtimeContext } from "./context";

/**
 * The app root's realtime layer: one QueryClient (the cache every panel reads) and one
 * RealtimeClient (the ladder feeding it), started on mount and stopped on unmount.
 */
export function RealtimeProvider({
  settings,
  timings = DEFAULT_TIMINGS,
  children,
}: {
  settings: RealtimeSettingsPayload;
  timings?: RealtimeTimings;
  children: ReactNode;
}) {
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, refetchOnWindowFocus: false, retry: 2 } } }),
  );
  const [client] = useState(() => new RealtimeClient(queryClient, settings, browserEnv(timings), timings));

  useEffect(() => {
    client.ladder.start();
    const unwatch = watchPageLifecycle((why) => client.ladder.wake(why));
    return () => {
      unwatch();
      client.ladder.stop();
    };
  }, [client]);

  return (
    <QueryClientProvider client={queryClient}>
      <RealtimeContext.Provider value={client}>{children}</RealtimeContext.Provider>
    </QueryClientProvider>
  );
}
