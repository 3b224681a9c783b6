import type { Metadata } from "next";
import { Zap } from "lucide-react";
import { SectionPending } from "../../_components/section-pending";

export const metadata: Metadata = { title: "Signals" };

export default async function Page() {
  return (
    <SectionPending
      title="Signals"
      description="Trading signals as strategies emit them."
      icon={Zap}
      pending="A live table of trading signals appears here once strategies emit them."
    />
  );
}
