import { headers } from "next/headers";
import { RealtimeProvider } from "@/lib/client/react";
import { requirePageUser } from "@/lib/auth/session";
import { getRealtimeSettings } from "@/lib/db/queries";
import { AppShell } from "../_components/app-shell";
import { ConnectionIndicator } from "../_components/realtime/connection-indicator";
import { FallbackToast } from "../_components/realtime/fallback-toast";
import { Toaster } from "../_components/realtime/toaster";

export default async function SignedInLayout({ children }: { children: React.ReactNode }) {
  const returnTo = (await headers()).get("x-switchback-path") ?? "/dashboard";
  const user = await requirePageUser(returnTo);
  const { mode, pollingIntervalMs } = await getRealtimeSettings(user.id);
  return (
    <RealtimeProvider settings={{ mode, pollingIntervalMs }}>
      <AppShell user={user} headerSlot={<ConnectionIndicator />}>
        {children}
      </AppShell>
      <FallbackToast />
      <Toaster />
    </RealtimeProvider>
  );
}
