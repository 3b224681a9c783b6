import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requirePageUser } from "@/lib/auth/session";
import { MARKET_SYMBOL } from "@/lib/config";
import { readCandles } from "@/lib/producers/market/read";
import { profileFor } from "@/lib/producers/market/simulator";
import { PageHeader } from "../../../_components/ui/page-header";
import { SymbolView } from "./symbol-view";

type Params = { params: Promise<{ symbol: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  return { title: decodeURIComponent((await params).symbol) };
}

export default async function Page({ params }: Params) {
  const symbol = decodeURIComponent((await params).symbol);
  await requirePageUser(`/markets/${encodeURIComponent(symbol)}`);
  if (!MARKET_SYMBOL.test(symbol)) notFound();
  const series = readCandles(symbol, 300) ?? null;
  return (
    <>
      <PageHeader
        title={symbol}
        description={
          <>
            <Link href="/markets" className="text-accent hover:underline">
              Markets
            </Link>{" "}
            · {profileFor(symbol).currency ?? "simulated"} · candles and ticks, live
          </>
        }
      />
      <SymbolView symbol={symbol} initial={series} />
    </>
  );
}
