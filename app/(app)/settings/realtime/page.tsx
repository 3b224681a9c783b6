import type { Metadata } from "next";
import { Settings } from "lucide-react";
import { SectionPending } from "../../../_components/section-pending";

export const metadata: Metadata = { title: "Realtime settings" };

export default async function Page() {
  return (
    <SectionPending
      title="Realtime settings"
      description="Choose how live data reaches your browser."
      icon={Settings}
      pending="The mode and polling-interval controls appear here; your current settings are shown on the dashboard."
    />
  );
}
