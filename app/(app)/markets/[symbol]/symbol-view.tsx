"use client";

import { CandlestickChart } from "lucide-react";
import { useCallback, useEffect, useRef, useState } from "react";
import { useTopic } from "@/lib/client/react";
import type { CandleSeries, ChartUpdate, Tick } from "@/lib/producers/payloads";
import { formatCompact, formatDuration, formatPercent, formatPrice, formatSigned, toneOf } from "../../../_components/live/format";
import { LivePanel } from "../../../_components/live/live-panel";
import { EmptyState, Time } from "../../../_components/live/states";
import { Stat } from "../../../_components/live/stat";
import { cn } from "../../../_components/ui/cn";
import { sessionChange } from "../markets-view";
import { CandleChart, type CandleChartHandle } from "./candle-chart";

const DEFAULT_SPEC = { smaPeriod: 20, emaPeriod: 50 };

/** Hook: the chart fed with the server's candles, then every update on chart.<symbol>. */
function useLiveCandles(symbol: string, initial: CandleSeries | null) {
  const topic = useTopic<ChartUpdate>(`chart.${symbol}`, { limit: 200 });
  const chart = useRef<CandleChartHandle>(null);
  const [count, setCount] = useState(initial?.candles.length ?? 0);
  const [series, setSeries] = useState(initial);
  /** The last envelope applied, so each update is drawn once. */
  const applied = useRef<{ epoch: string; seq: number } | null>(null);

  const reload = useCallback(async () => {
    const res = await fetch(`/api/v1/markets/${encodeURIComponent(symbol)}/candles?limit=300`, { cache: "no-store" });
    if (!res.ok) return;
    const next = (await res.json()) as CandleSeries;
    setSeries(next);
    setCount(next.candles.length);
    chart.current?.setBars(next.candles);
  }, [symbol]);

  // First paint: the server's candles.
  useEffect(() => {
    if (initial) chart.current?.setBars(initial.candles);
  }, [initial]);

  useEffect(() => {
    const items = topic.data?.items ?? [];
    const last = applied.current;
    const fresh = items.filter((e) => !last || e.epoch !== last.epoch || e.seq > last.seq);
    if (fresh.length === 0) return;
    const newest = fresh.at(-1)!;
    // A new epoch means the server lost the topic's history: reload the candles whole.
    if (last && newest.epoch !== last.epoch) void reload();
    else for (const e of fresh) chart.current?.update(e.data.candle);
    applied.current = { epoch: newest.epoch, seq: newest.seq };
    setCount((n) => Math.max(n, 1));
  }, [topic.data, reload]);

  return { topic, chart, series, count, reload };
}

function Ticker({ symbol }: { symbol: string }) {
  const ticks = useTopic<Tick>(`market.${symbol}`, { limit: 60 });
  return (
    <LivePanel
      title="Ticks"
      query={ticks}
      data-testid="ticker-panel"
      empty={
        <EmptyState icon={CandlestickChart} title="No ticks yet">
          Nothing has been published on market.{symbol} since the server started.
        </EmptyState>
      }
    >
      {(snap) => {
        const list = snap.items.map((e) => e.data);
        const last = list.at(-1)!;
        const ch = sessionChange(list);
        const tape = list.slice(-14).reverse();
        return (
          <div className="space-y-4">
            <div className="grid grid-cols-2 gap-3">
              <Stat label="Last" value={formatPrice(last.price)} sub={ch ? `${formatSigned(ch.change, last.price >= 10_000 ? 1 : 2)} (${formatPercent(ch.percent, 2, true)})` : undefined} valueClassName={toneOf(ch?.change)} data-testid="ticker-last" />
              <Stat label="Bid / ask" value={`${formatPrice(last.bid)}`} sub={`ask ${formatPrice(last.ask)}`} />
              <Stat label="Session high / low" value={formatPrice(last.sessionHigh)} sub={`low ${formatPrice(last.sessionLow)}`} />
              <Stat label="Session volume" value={formatCompact(last.sessionVolume)} sub={last.currency} />
            </div>
            <table className="w-full text-left text-xs">
              <caption className="sr-only">Latest trades</caption>
              <thead className="text-ink-muted">
                <tr>
                  <th className="py-1 font-medium">Time</th>
                  <th className="py-1 text-right font-medium">Price</th>
                  <th className="py-1 text-right font-medium">Size</th>
                </tr>
              </thead>
              <tbody className="font-mono tabular-nums">
                {tape.map((t, i) => {
                  const prev = tape[i + 1];
                  return (
                    <tr key={`${t.ts}-${i}`}>
                      <td className="py-0.5 text-ink-muted">
                        <Time value={t.ts} />
                      </td>
                      <td className={cn("py-0.5 text-right", prev ? toneOf(t.price - prev.price) : "")}>{formatPrice(t.price)}</td>
                      <td className="py-0.5 text-right">{formatCompact(t.volume)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        );
      }}
    </LivePanel>
  );
}

export function SymbolView({ symbol, initial }: { symbol: string; initial: CandleSeries | null }) {
  const { topic, chart, series, count, reload } = useLiveCandles(symbol, initial);
  const spec = series?.spec ?? DEFAULT_SPEC;
  return (
    <div className="grid gap-4 lg:grid-cols-[1fr_20rem]">
      <LivePanel
        title="Candles"
        description={series ? `${formatDuration(series.intervalMs)} candles · SMA ${spec.smaPeriod} · EMA ${spec.emaPeriod}` : undefined}
        query={topic}
        // The chart stays mounted even while empty, so the first update has somewhere to go.
        isEmpty={() => false}
        onRefresh={() => void reload()}
        className="min-w-0"
        data-testid="chart-panel"
        empty={null}
      >
        {() => (
          <>
            {count === 0 ? (
              <EmptyState icon={CandlestickChart} title="No candles for this symbol yet">
                Candles are built from the ticks of the configured symbols (MARKET_SYMBOLS); they appear here as ticks arrive.
              </EmptyState>
            ) : null}
            <div className={cn("-mx-2 sm:mx-0", count === 0 && "hidden")}>
              <CandleChart ref={chart} spec={spec} className="h-80 sm:h-[440px]" />
            </div>
          </>
        )}
      </LivePanel>
      <Ticker symbol={symbol} />
    </div>
  );
}
