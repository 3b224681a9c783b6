import type { Metadata } from "next";
import { Bell } from "lucide-react";
import { SectionPending } from "../../_components/section-pending";

export const metadata: Metadata = { title: "Notifications" };

export default async function Page() {
  return (
    <SectionPending
      title="Notifications"
      description="Alerts about your backtests and from administrators."
      icon={Bell}
      pending="Your notifications, read and unread, appear here once they are delivered live."
    />
  );
}
