import type { Metadata } from "next";
import { Gauge } from "lucide-react";
import { SectionPending } from "../../_components/section-pending";

export const metadata: Metadata = { title: "Strategies" };

export default async function Page() {
  return (
    <SectionPending
      title="Strategies"
      description="Running strategies with their state, position and P&L."
      icon={Gauge}
      pending="Strategy cards with live state, position and P&L appear here once the strategy engine runs."
    />
  );
}
