import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/session";
import { config } from "@/lib/config";
import { countUnread, listNotifications } from "@/lib/db/notifications";
import { PageHeader } from "../../_components/ui/page-header";
import { NotificationsView } from "./notifications-view";

export const metadata: Metadata = { title: "Notifications" };

const PAGE_SIZE = 30;

export default async function Page() {
  const user = await requirePageUser("/notifications");
  const renderedAt = Date.now();
  const [initial, unread] = await Promise.all([listNotifications(user.id, { limit: PAGE_SIZE }), countUnread(user.id)]);
  return (
    <>
      <PageHeader
        title="Notifications"
        description={`Finished backtests, failures and announcements, newest first. Kept for ${config().NOTIFICATIONS_MAX_AGE_DAYS} days (the latest ${config().NOTIFICATIONS_KEEP_PER_USER}).`}
      />
      <NotificationsView initial={initial} initialUnread={unread} renderedAt={renderedAt} pageSize={PAGE_SIZE} />
    </>
  );
}
