import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/session";
import { config } from "@/lib/config";
import { marketSummaries, readCandles } from "@/lib/producers/market/read";
import { hub } from "@/lib/realtime/instance";
import { PageHeader } from "../../_components/ui/page-header";
import { MarketsView } from "./markets-view";

export const metadata: Metadata = { title: "Markets" };

export default async function Page() {
  await requirePageUser("/markets");
  const summaries = await marketSummaries(hub(), config().marketSymbols);
  const markets = summaries.map((m) => ({ ...m, closes: readCandles(m.symbol, 60)?.candles.map((c) => c.c) ?? [] }));
  return (
    <>
      <PageHeader title="Markets" description="Live ticks of the simulated market. Open a symbol for its candlestick chart." />
      <MarketsView markets={markets} />
    </>
  );
}
