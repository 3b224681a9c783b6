"use client";

import { ArrowDownRight, ArrowUpRight, Zap } from "lucide-react";
import { useMemo, useState, useTransition } from "react";
import { useTopic } from "@/lib/client/react";
import type { Signal, SignalSide } from "@/lib/producers/payloads";
import { formatNumber, formatPrice } from "../../_components/live/format";
import { LivePanel } from "../../_components/live/live-panel";
import { EmptyState, Time } from "../../_components/live/states";
import { useNow } from "../../_components/realtime/use-now";
import { Button } from "../../_components/ui/button";
import { cn } from "../../_components/ui/cn";
import { loadOlderSignals } from "./actions";

const MAX_ROWS = 1_000;
const OLDER_PAGE = 50;
/** Signals younger than this are marked new. */
const NEW_MS = 6_000;

/** Anyone with an API key may publish on `signals`: only well-formed ones are listed. */
function isSignal(x: unknown): x is Signal {
  const s = x as Partial<Signal> | null;
  return !!s && typeof s.id === "number" && (s.side === "buy" || s.side === "sell") && typeof s.symbol === "string" && typeof s.price === "number";
}

interface Filter {
  symbol: string;
  strategyId: string;
  side: "" | SignalSide;
}

const selectClass = "h-9 rounded-md border border-line bg-canvas px-2 text-sm text-ink focus:border-accent focus:outline-none";

function SideBadge({ side }: { side: SignalSide }) {
  const Icon = side === "buy" ? ArrowUpRight : ArrowDownRight;
  return (
    <span className={cn("inline-flex items-center gap-1 font-semibold uppercase", side === "buy" ? "text-live" : "text-danger")}>
      <Icon className="size-3.5" aria-hidden />
      {side}
    </span>
  );
}

export function SignalsView({ initial, symbols, strategies }: { initial: Signal[]; symbols: string[]; strategies: Array<{ id: string; name: string }> }) {
  const live = useTopic<Signal>("signals", { limit: 200 });
  const [older, setOlder] = useState<Signal[]>([]);
  const [exhausted, setExhausted] = useState(false);
  const [filter, setFilter] = useState<Filter>({ symbol: "", strategyId: "", side: "" });
  const [loading, startLoading] = useTransition();
  const now = useNow();
  const strategyName = useMemo(() => new Map(strategies.map((s) => [s.id, s.name])), [strategies]);

  const rows = useMemo(() => {
    const byId = new Map<number, Signal>();
    for (const s of [...older, ...initial, ...(live.data?.items.map((e) => e.data) ?? [])]) if (isSignal(s)) byId.set(s.id, s);
    return [...byId.values()].sort((a, b) => b.id - a.id).slice(0, MAX_ROWS);
  }, [older, initial, live.data]);
  const shown = rows.filter(
    (s) => (!filter.symbol || s.symbol === filter.symbol) && (!filter.strategyId || s.strategyId === filter.strategyId) && (!filter.side || s.side === filter.side),
  );

  const loadOlder = () =>
    startLoading(async () => {
      const oldest = rows.at(-1)?.id;
      if (!oldest) return;
      const page = await loadOlderSignals({
        beforeId: oldest,
        symbol: filter.symbol || undefined,
        strategyId: filter.strategyId || undefined,
        side: filter.side || undefined,
        limit: OLDER_PAGE,
      });
      setOlder((prev) => [...prev, ...page]);
      if (page.length < OLDER_PAGE) setExhausted(true);
    });
  const set = (patch: Partial<Filter>) => {
    setFilter((f) => ({ ...f, ...patch }));
    setExhausted(false);
  };

  return (
    <LivePanel
      title="Live signals"
      description={`${shown.length} shown${shown.length !== rows.length ? ` of ${rows.length} loaded` : ""}, newest first`}
      query={live}
      isEmpty={() => rows.length === 0}
      data-testid="signals-panel"
      empty={
        <EmptyState icon={Zap} title="No signals yet">
          Strategies emit a signal when they open, reverse or close a position. After a start they warm up for a minute or two; signals appear here the moment they are stored.
        </EmptyState>
      }
    >
      {() => (
        <div className="space-y-3">
          <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Filters">
            <select className={selectClass} value={filter.symbol} onChange={(e) => set({ symbol: e.target.value })} aria-label="Symbol">
              <option value="">All symbols</option>
              {symbols.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
            <select className={cn(selectClass, "max-w-[14rem]")} value={filter.strategyId} onChange={(e) => set({ strategyId: e.target.value })} aria-label="Strategy">
              <option value="">All strategies</option>
              {strategies.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
            <div className="inline-flex rounded-md border border-line p-0.5" role="radiogroup" aria-label="Side">
              {(["", "buy", "sell"] as const).map((side) => (
                <button
                  key={side}
                  role="radio"
                  aria-checked={filter.side === side}
                  onClick={() => set({ side })}
                  className={cn("h-8 rounded px-3 text-sm", filter.side === side ? "bg-panel-raised text-ink" : "text-ink-muted hover:text-ink")}
                >
                  {side === "" ? "Both" : side === "buy" ? "Buy" : "Sell"}
                </button>
              ))}
            </div>
          </div>

          {shown.length === 0 ? (
            <p className="py-6 text-center text-sm text-ink-muted">No loaded signal matches these filters.</p>
          ) : (
            <>
              {/* Phones: one card per signal. */}
              <ul className="space-y-2 md:hidden" data-testid="signals-list">
                {shown.map((s) => (
                  <li key={s.id} data-signal-id={s.id} data-created-at={s.createdAt} className={cn("rounded-lg border border-line p-3 text-sm", now - Date.parse(s.createdAt) < NEW_MS && "border-accent/60 bg-accent/5")}>
                    <div className="flex items-center justify-between gap-2">
                      <SideBadge side={s.side} />
                      <span className="font-mono text-xs text-ink-muted">
                        #{s.id} · <Time value={s.createdAt} />
                      </span>
                    </div>
                    <p className="mt-1 font-mono tabular-nums">
                      {formatNumber(s.quantity, 4)} {s.symbol} @ {formatPrice(s.price)}
                    </p>
                    <p className="mt-1 text-xs text-ink-muted">{strategyName.get(s.strategyId) ?? s.strategyId} · {Math.round(s.confidence * 100)}% · {s.reason}</p>
                  </li>
                ))}
              </ul>
              {/* Wider screens: a table. */}
              <div className="hidden overflow-x-auto md:block">
                <table className="w-full text-left text-sm" data-testid="signals-table">
                  <thead className="text-xs text-ink-muted">
                    <tr className="border-b border-line">
                      <th className="py-2 pr-3 font-medium">#</th>
                      <th className="py-2 pr-3 font-medium">Time</th>
                      <th className="py-2 pr-3 font-medium">Strategy</th>
                      <th className="py-2 pr-3 font-medium">Symbol</th>
                      <th className="py-2 pr-3 font-medium">Side</th>
                      <th className="py-2 pr-3 text-right font-medium">Quantity</th>
                      <th className="py-2 pr-3 text-right font-medium">Price</th>
                      <th className="py-2 pr-3 text-right font-medium">Conf.</th>
                      <th className="py-2 font-medium">Reason</th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-line">
                    {shown.map((s) => (
                      <tr key={s.id} data-signal-id={s.id} data-created-at={s.createdAt} className={cn("transition-colors", now - Date.parse(s.createdAt) < NEW_MS && "bg-accent/10")}>
                        <td className="py-2 pr-3 font-mono text-xs text-ink-muted">{s.id}</td>
                        <td className="py-2 pr-3 font-mono text-xs">
                          <Time value={s.createdAt} />
                        </td>
                        <td className="max-w-[12rem] truncate py-2 pr-3">{strategyName.get(s.strategyId) ?? s.strategyId}</td>
                        <td className="py-2 pr-3">{s.symbol}</td>
                        <td className="py-2 pr-3 text-xs">
                          <SideBadge side={s.side} />
                        </td>
                        <td className="py-2 pr-3 text-right font-mono tabular-nums">{formatNumber(s.quantity, 4)}</td>
                        <td className="py-2 pr-3 text-right font-mono tabular-nums">{formatPrice(s.price)}</td>
                        <td className="py-2 pr-3 text-right font-mono tabular-nums">{Math.round(s.confidence * 100)}%</td>
                        <td className="max-w-[20rem] truncate py-2 text-xs text-ink-muted" title={s.reason}>
                          {s.reason}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
          <div className="flex justify-center">
            {exhausted ? (
              <p className="text-xs text-ink-muted">That is all of them.</p>
            ) : (
              <Button size="sm" variant="secondary" onClick={loadOlder} disabled={loading || rows.length === 0}>
                {loading ? "Loading…" : "Load older"}
              </Button>
            )}
          </div>
        </div>
      )}
    </LivePanel>
  );
}
