import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/session";
import { getRealtimeSettings } from "@/lib/db/queries";
import { PageHeader } from "../../../_components/ui/page-header";
import { RealtimeSettingsForm } from "./settings-form";

export const metadata: Metadata = { title: "Realtime settings" };

export default async function RealtimeSettingsPage() {
  const user = await requirePageUser("/settings/realtime");
  const settings = await getRealtimeSettings(user.id);
  return (
    <>
      <PageHeader title="Realtime settings" description="Choose how live data reaches your browser." />
      <RealtimeSettingsForm initial={settings} />
    </>
  );
}
