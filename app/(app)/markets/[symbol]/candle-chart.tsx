"use client";

import type { CandlestickData, HistogramData, IChartApi, ISeriesApi, LineData, UTCTimestamp } from "lightweight-charts";
import { useEffect, useImperativeHandle, useRef, useState, type Ref } from "react";
import type { Candle, Indicators } from "@/lib/producers/payloads";
import { formatCompact, formatPrice } from "../../../_components/live/format";
import { cn } from "../../../_components/ui/cn";

export type Bar = Candle & Indicators;

export interface CandleChartHandle {
  /** Replaces every bar (first data, or after a reload). */
  setBars(bars: Bar[]): void;
  /** Updates the forming bar or appends a new one; older bars are ignored. */
  update(bar: Bar): void;
}

const UP = "#22c55e";
const DOWN = "#f05252";
const SMA = "#4f8cff";
const EMA = "#f5a524";

/** lightweight-charts draws UTC: shift by the viewer's offset so the axis shows local time. */
const toTime = (t: number) => Math.floor((t - new Date(t).getTimezoneOffset() * 60_000) / 1000) as UTCTimestamp;

interface Api {
  chart: IChartApi;
  candles: ISeriesApi<"Candlestick">;
  volume: ISeriesApi<"Histogram">;
  sma: ISeriesApi<"Line">;
  ema: ISeriesApi<"Line">;
}

function toData(b: Bar) {
  const time = toTime(b.t);
  const candle: CandlestickData = { time, open: b.o, high: b.h, low: b.l, close: b.c };
  const volume: HistogramData = { time, value: b.v, color: b.c >= b.o ? "rgba(34,197,94,0.35)" : "rgba(240,82,82,0.35)" };
  const line = (v: number | null): LineData | { time: UTCTimestamp } => (v === null ? { time } : { time, value: v });
  return { candle, volume, sma: line(b.sma), ema: line(b.ema) };
}

/** A candlestick chart with volume, SMA and EMA; fed through the handle. */
export function CandleChart({ ref, spec, className }: { ref: Ref<CandleChartHandle>; spec: { smaPeriod: number; emaPeriod: number }; className?: string }) {
  const el = useRef<HTMLDivElement>(null);
  const api = useRef<Api | null>(null);
  /** The bars as the chart should show them: kept while the library loads. */
  const bars = useRef<Bar[]>([]);
  const [legend, setLegend] = useState<Bar | null>(null);

  useImperativeHandle(ref, () => ({
    setBars(next) {
      bars.current = [...next];
      setLegend(next.at(-1) ?? null);
      const a = api.current;
      if (!a) return;
      const data = next.map(toData);
      a.candles.setData(data.map((d) => d.candle));
      a.volume.setData(data.map((d) => d.volume));
      a.sma.setData(data.map((d) => d.sma));
      a.ema.setData(data.map((d) => d.ema));
    },
    update(bar) {
      const last = bars.current.at(-1);
      if (last && bar.t < last.t) return;
      if (last && bar.t === last.t) bars.current[bars.current.length - 1] = bar;
      else bars.current.push(bar);
      setLegend(bar);
      const a = api.current;
      if (!a) return;
      const d = toData(bar);
      a.candles.update(d.candle);
      a.volume.update(d.volume);
      a.sma.update(d.sma);
      a.ema.update(d.ema);
    },
  }));

  useEffect(() => {
    let disposed = false;
    void import("lightweight-charts").then((lc) => {
      if (disposed || !el.current) return;
      const chart = lc.createChart(el.current, {
        autoSize: true,
        layout: { background: { type: lc.ColorType.Solid, color: "transparent" }, textColor: "#93a0b8", attributionLogo: false },
        grid: { vertLines: { color: "rgba(36,48,73,0.6)" }, horzLines: { color: "rgba(36,48,73,0.6)" } },
        rightPriceScale: { borderColor: "#243049" },
        timeScale: { borderColor: "#243049", timeVisible: true, secondsVisible: false },
        crosshair: { mode: lc.CrosshairMode.Normal },
      });
      const candles = chart.addSeries(lc.CandlestickSeries, { upColor: UP, downColor: DOWN, wickUpColor: UP, wickDownColor: DOWN, borderVisible: false });
      const volume = chart.addSeries(lc.HistogramSeries, { priceFormat: { type: "volume" }, priceScaleId: "volume", lastValueVisible: false, priceLineVisible: false });
      chart.priceScale("volume").applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
      const line = { lineWidth: 2 as const, priceLineVisible: false, lastValueVisible: false, crosshairMarkerVisible: false };
      const sma = chart.addSeries(lc.LineSeries, { ...line, color: SMA });
      const ema = chart.addSeries(lc.LineSeries, { ...line, color: EMA });
      api.current = { chart, candles, volume, sma, ema };
      const data = bars.current.map(toData);
      candles.setData(data.map((d) => d.candle));
      volume.setData(data.map((d) => d.volume));
      sma.setData(data.map((d) => d.sma));
      ema.setData(data.map((d) => d.ema));
      chart.timeScale().applyOptions({ rightOffset: 4 });
      chart.subscribeCrosshairMove((p) => {
        const time = p.time as number | undefined;
        const hovered = time === undefined ? undefined : bars.current.find((b) => toTime(b.t) === time);
        setLegend(hovered ?? bars.current.at(-1) ?? null);
      });
    });
    return () => {
      disposed = true;
      api.current?.chart.remove();
      api.current = null;
    };
  }, []);

  return (
    <div className="relative">
      <div className="pointer-events-none absolute left-2 top-1 z-10 flex flex-wrap gap-x-3 gap-y-0.5 font-mono text-[11px] tabular-nums text-ink-muted" data-testid="chart-legend">
        {legend ? (
          <>
            <span>
              O <span className="text-ink">{formatPrice(legend.o)}</span>
            </span>
            <span>
              H <span className="text-ink">{formatPrice(legend.h)}</span>
            </span>
            <span>
              L <span className="text-ink">{formatPrice(legend.l)}</span>
            </span>
            <span>
              C <span style={{ color: legend.c >= legend.o ? UP : DOWN }}>{formatPrice(legend.c)}</span>
            </span>
            <span>V {formatCompact(legend.v)}</span>
            <span style={{ color: SMA }}>
              SMA {spec.smaPeriod} {formatPrice(legend.sma)}
            </span>
            <span style={{ color: EMA }}>
              EMA {spec.emaPeriod} {formatPrice(legend.ema)}
            </span>
          </>
        ) : null}
      </div>
      <div ref={el} className={cn("w-full", className)} data-testid="candle-chart" />
    </div>
  );
}
