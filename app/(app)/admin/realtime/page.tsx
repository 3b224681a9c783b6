import type { Metadata } from "next";
import { Radio } from "lucide-react";
import { requirePageAdmin } from "@/lib/auth/session";
import { SectionPending } from "../../../_components/section-pending";

export const metadata: Metadata = { title: "Realtime operations" };

export default async function Page() {
  await requirePageAdmin("/admin/realtime");
  return (
    <SectionPending
      title="Realtime operations"
      description="Connections, fallbacks and delivery latency across all users."
      icon={Radio}
      pending="Live connection and delivery charts appear here once the realtime server reports them."
    />
  );
}
