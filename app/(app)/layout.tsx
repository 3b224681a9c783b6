import { headers } from "next/headers";
import { RealtimeProvider } from "@/lib/client/react";
import { requirePageUser } from "@/lib/auth/session";
import { countUnread } from "@/lib/db/notifications";
import { getRealtimeSettings } from "@/lib/db/queries";
import { AppShell } from "../_components/app-shell";
import { NotificationBell } from "../_components/notifications/notification-bell";
import { ConnectionIndicator } from "../_components/realtime/connection-indicator";
import { FallbackToast } from "../_components/realtime/fallback-toast";
import { Toaster } from "../_components/realtime/toaster";

export default async function SignedInLayout({ children }: { children: React.ReactNode }) {
  const returnTo = (await headers()).get("x-switchback-path") ?? "/dashboard";
  const user = await requirePageUser(returnTo);
  const renderedAt = Date.now();
  const [{ mode, pollingIntervalMs }, unread] = await Promise.all([getRealtimeSettings(user.id), countUnread(user.id)]);
  const header = (
    <>
      <NotificationBell initialUnread={unread} renderedAt={renderedAt} />
      <ConnectionIndicator />
    </>
  );
  return (
    <RealtimeProvider settings={{ mode, pollingIntervalMs }}>
      <AppShell user={user} headerSlot={header}>
        {children}
      </AppShell>
      <FallbackToast />
      <Toaster />
    </RealtimeProvider>
  );
}
