import type { Metadata } from "next";
import { CandlestickChart } from "lucide-react";
import { SectionPending } from "../../_components/section-pending";

export const metadata: Metadata = { title: "Markets" };

export default async function Page() {
  return (
    <SectionPending
      title="Markets"
      description="Simulated market ticks and candles."
      icon={CandlestickChart}
      pending="Live quotes and candlestick charts appear here once the market simulator runs."
    />
  );
}
