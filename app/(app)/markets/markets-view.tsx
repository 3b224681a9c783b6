"use client";

import { CandlestickChart } from "lucide-react";
import Link from "next/link";
import { useTopic } from "@/lib/client/react";
import type { MarketSummary, Tick } from "@/lib/producers/payloads";
import { formatCompact, formatPercent, formatPrice, formatSigned, toneOf } from "../../_components/live/format";
import { Sparkline } from "../../_components/live/line-chart";
import { LivePanel } from "../../_components/live/live-panel";
import { EmptyState, Skeleton } from "../../_components/live/states";
import { cn } from "../../_components/ui/cn";

export interface MarketCardData extends MarketSummary {
  /** Closes of the last candles, for the trend line before live ticks arrive. */
  closes: number[];
}

/** Change against the session open (or the first tick held when a feed has no session figures). */
export function sessionChange(ticks: Tick[]): { change: number; percent: number } | null {
  const last = ticks.at(-1);
  const open = last?.sessionOpen ?? ticks[0]?.price;
  if (!last || !open) return null;
  return { change: last.price - open, percent: ((last.price - open) / open) * 100 };
}

export function MarketCard({ market, compact }: { market: MarketCardData; compact?: boolean }) {
  const topic = useTopic<Tick>(`market.${market.symbol}`, { limit: 120 });
  return (
    <LivePanel
      title={market.symbol}
      description={market.currency ?? undefined}
      query={topic}
      data-testid={`market-${market.symbol}`}
      skeleton={<Skeleton className="h-28" />}
      empty={
        <EmptyState icon={CandlestickChart} title="No ticks yet">
          Ticks appear when the market simulator (or a publisher) sends them.
        </EmptyState>
      }
    >
      {(snap) => {
        const ticks = snap.items.map((e) => e.data);
        const last = ticks.at(-1)!;
        const ch = sessionChange(ticks);
        const trend = ticks.length >= 10 ? ticks.map((t) => t.price) : [...market.closes, ...ticks.map((t) => t.price)];
        return (
          <Link href={`/markets/${encodeURIComponent(market.symbol)}`} className="group block space-y-3" aria-label={`${market.symbol} chart`}>
            <div className="flex items-end justify-between gap-3">
              <p className="font-mono text-2xl font-semibold tabular-nums" data-testid="last-price">
                {formatPrice(last.price)}
              </p>
              {ch ? (
                <p className={cn("font-mono text-sm tabular-nums", toneOf(ch.change))}>
                  {formatSigned(ch.change, last.price >= 10_000 ? 1 : 2)} ({formatPercent(ch.percent, 2, true)})
                </p>
              ) : null}
            </div>
            <Sparkline values={trend} height={compact ? 32 : 44} />
            <dl className={cn("grid grid-cols-3 gap-2 text-xs", compact && "hidden")}>
              <div>
                <dt className="text-ink-muted">Bid / ask</dt>
                <dd className="font-mono tabular-nums">
                  {formatPrice(last.bid)} / {formatPrice(last.ask)}
                </dd>
              </div>
              <div>
                <dt className="text-ink-muted">High / low</dt>
                <dd className="font-mono tabular-nums">
                  {formatPrice(last.sessionHigh)} / {formatPrice(last.sessionLow)}
                </dd>
              </div>
              <div className="text-right">
                <dt className="text-ink-muted">Volume</dt>
                <dd className="font-mono tabular-nums">{formatCompact(last.sessionVolume)}</dd>
              </div>
            </dl>
            <p className="text-xs font-medium text-accent group-hover:underline">Open chart →</p>
          </Link>
        );
      }}
    </LivePanel>
  );
}

export function MarketsView({ markets }: { markets: MarketCardData[] }) {
  if (markets.length === 0) {
    return (
      <EmptyState icon={CandlestickChart} title="No symbols configured">
        Set MARKET_SYMBOLS (e.g. 0700.HK,AAPL,BTC-USDT) to simulate a market.
      </EmptyState>
    );
  }
  return (
    <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
      {markets.map((m) => (
        <MarketCard key={m.symbol} market={m} />
      ))}
    </div>
  );
}
