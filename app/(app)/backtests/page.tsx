import type { Metadata } from "next";
import { FlaskConical } from "lucide-react";
import { SectionPending } from "../../_components/section-pending";

export const metadata: Metadata = { title: "Backtests" };

export default async function Page() {
  return (
    <SectionPending
      title="Backtests"
      description="Run a strategy over history and follow its progress."
      icon={FlaskConical}
      pending="Start backtests and follow their progress live here once the backtest runner is in place."
    />
  );
}
