"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { CheckCircle2, Circle, FlaskConical, Loader2, XCircle } from "lucide-react";
import { useRouter } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";
import { toast } from "sonner";
import { useTopic } from "@/lib/client/react";
import type { BacktestProgress, BacktestResult, BacktestView, StrategyKind } from "@/lib/producers/payloads";
import { formatDuration, formatNumber, formatPercent, toneOf } from "../../_components/live/format";
import { LineChart } from "../../_components/live/line-chart";
import { LivePanel } from "../../_components/live/live-panel";
import { EmptyState, Time } from "../../_components/live/states";
import { Stat } from "../../_components/live/stat";
import { BACKTEST_TONE } from "../../_components/live/tones";
import { Badge } from "../../_components/ui/badge";
import { Button } from "../../_components/ui/button";
import { Card, CardHeader } from "../../_components/ui/card";
import { cn } from "../../_components/ui/cn";

interface StrategyOption {
  kind: StrategyKind;
  label: string;
  description: string;
}

const RUNS_KEY = ["backtests"] as const;
const inputClass = "h-10 w-full rounded-md border border-line bg-canvas px-3 text-sm text-ink focus:border-accent focus:outline-none";
const active = (status: BacktestView["status"]) => status === "pending" || status === "running";

/** A run as it stands: the stored row, overtaken by the latest progress message. */
function useRun(run: BacktestView, watch: boolean) {
  const topic = useTopic<BacktestProgress>(`backtest.${run.id}`, { limit: 20, enabled: watch });
  const p = topic.data?.latest?.data;
  const merged: BacktestView & { elapsedMs: number | null; etaMs: number | null; stepIndex: number } = p
    ? { ...run, status: p.status, progress: p.progress, step: p.step, error: p.error, result: p.result ?? run.result, elapsedMs: p.elapsedMs, etaMs: p.etaMs, stepIndex: p.stepIndex }
    : { ...run, elapsedMs: null, etaMs: null, stepIndex: run.step ? run.steps.indexOf(run.step) : -1 };
  return { run: merged, topic };
}

function ProgressBar({ value, status }: { value: number; status: BacktestView["status"] }) {
  const tone = status === "failed" ? "bg-danger" : status === "completed" ? "bg-live" : "bg-accent";
  return (
    <div className="h-2 w-full overflow-hidden rounded-full bg-panel-raised" role="progressbar" aria-valuenow={value} aria-valuemin={0} aria-valuemax={100} aria-label="Backtest progress">
      <div className={cn("h-full rounded-full transition-[width] duration-300", tone)} style={{ width: `${status === "failed" ? 100 : value}%` }} />
    </div>
  );
}

function label(strategies: StrategyOption[], kind: StrategyKind) {
  return strategies.find((s) => s.kind === kind)?.label ?? kind;
}

function NewBacktest({ symbols, strategies, onStarted }: { symbols: string[]; strategies: StrategyOption[]; onStarted: (run: BacktestView) => void }) {
  const [form, setForm] = useState({ strategy: strategies[0]?.kind ?? "ema_cross", symbol: symbols[0] ?? "AAPL", days: "30", barMinutes: "15", initialCapital: "100000" });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await fetch("/api/v1/backtests", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          strategy: form.strategy,
          symbol: form.symbol,
          days: Number(form.days),
          barMinutes: Number(form.barMinutes),
          initialCapital: Number(form.initialCapital),
        }),
      });
      const body = (await res.json().catch(() => ({}))) as { backtest?: BacktestView; error?: { message: string } };
      if (!res.ok || !body.backtest) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
      onStarted(body.backtest);
      toast.success("Backtest started", { description: "You will be notified when it finishes." });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const chosen = strategies.find((s) => s.kind === form.strategy);
  return (
    <Card>
      <CardHeader title="New backtest" description={chosen?.description} />
      <form onSubmit={(e) => void submit(e)} className="grid gap-3 sm:grid-cols-2" data-testid="backtest-form">
        <label className="block text-sm">
          <span className="mb-1.5 block font-medium">Strategy</span>
          <select name="strategy" className={inputClass} value={form.strategy} onChange={set("strategy")}>
            {strategies.map((s) => (
              <option key={s.kind} value={s.kind}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <label className="block text-sm">
          <span className="mb-1.5 block font-medium">Symbol</span>
          <select name="symbol" className={inputClass} value={form.symbol} onChange={set("symbol")}>
            {symbols.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label className="block text-sm">
          <span className="mb-1.5 block font-medium">History (days)</span>
          <input name="days" type="number" min={1} max={365} required className={inputClass} value={form.days} onChange={set("days")} />
        </label>
        <label className="block text-sm">
          <span className="mb-1.5 block font-medium">Bar size</span>
          <select name="barMinutes" className={inputClass} value={form.barMinutes} onChange={set("barMinutes")}>
            {[1, 5, 15, 60].map((m) => (
              <option key={m} value={m}>
                {m === 60 ? "1 hour" : `${m} min`}
              </option>
            ))}
          </select>
        </label>
        <label className="block text-sm sm:col-span-2">
          <span className="mb-1.5 block font-medium">Starting capital</span>
          <input name="initialCapital" type="number" min={1000} step={1000} required className={inputClass} value={form.initialCapital} onChange={set("initialCapital")} />
        </label>
        {error ? (
          <p className="text-sm text-danger sm:col-span-2" role="alert">
            {error}
          </p>
        ) : null}
        <div className="sm:col-span-2">
          <Button type="submit" disabled={busy} className="w-full sm:w-auto">
            {busy ? <Loader2 className="size-4 animate-spin" aria-hidden /> : <FlaskConical className="size-4" aria-hidden />}
            Run backtest
          </Button>
        </div>
      </form>
    </Card>
  );
}

function RunRow({ run: stored, strategies, selected, onSelect }: { run: BacktestView; strategies: StrategyOption[]; selected: boolean; onSelect: () => void }) {
  const { run } = useRun(stored, active(stored.status));
  return (
    <li>
      <button
        onClick={onSelect}
        aria-current={selected ? "true" : undefined}
        className={cn("w-full rounded-lg border px-3 py-2.5 text-left transition-colors", selected ? "border-accent/60 bg-accent/5" : "border-line hover:bg-panel-raised")}
        data-testid="backtest-row"
      >
        <div className="flex items-center justify-between gap-2">
          <span className="truncate text-sm font-medium">
            {label(strategies, run.strategy)} · {run.symbol}
          </span>
          <Badge tone={BACKTEST_TONE[run.status]}>{run.status}</Badge>
        </div>
        <div className="mt-2 flex items-center gap-3">
          <ProgressBar value={run.progress} status={run.status} />
          <span className="w-10 shrink-0 text-right font-mono text-xs tabular-nums">{run.progress}%</span>
        </div>
        <p className="mt-1 text-xs text-ink-muted">
          {run.params.days} days · {run.params.barMinutes} min bars · <Time value={run.createdAt} withDate />
        </p>
      </button>
    </li>
  );
}

function ResultSummary({ r }: { r: BacktestResult }) {
  return (
    <div className="space-y-4">
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-3">
        <Stat label="Return" value={formatPercent(r.totalReturnPercent, 2, true)} valueClassName={toneOf(r.totalReturnPercent)} sub={`buy and hold ${formatPercent(r.buyAndHoldReturnPercent, 2, true)}`} data-testid="result-return" />
        <Stat label="Final equity" value={formatNumber(r.finalEquity)} sub={`from ${formatNumber(r.initialCapital)}`} />
        <Stat label="Max drawdown" value={formatPercent(r.maxDrawdownPercent, 2)} valueClassName={r.maxDrawdownPercent > 10 ? "text-danger" : undefined} />
        <Stat label="Trades" value={r.trades} sub={`win rate ${formatPercent(r.winRatePercent, 0)}`} />
        <Stat label="Sharpe (annualised)" value={formatNumber(r.sharpe, 2)} />
        <Stat label="Bars" value={formatNumber(r.bars)} sub={`${formatNumber(r.startPrice, 2)} → ${formatNumber(r.endPrice, 2)}`} />
      </div>
      <LineChart
        yMin="auto"
        format={(n) => formatNumber(n)}
        series={[{ name: "equity", color: r.totalReturnPercent >= 0 ? "var(--color-live)" : "var(--color-danger)", area: true, points: r.equity }]}
        height={160}
      />
    </div>
  );
}

function RunDetail({ run: stored, strategies }: { run: BacktestView; strategies: StrategyOption[] }) {
  const { run, topic } = useRun(stored, true);
  return (
    <LivePanel
      title={`${label(strategies, run.strategy)} on ${run.symbol}`}
      description={`${run.params.days} days of ${run.params.barMinutes}-minute bars, ${formatNumber(run.params.initialCapital)} capital`}
      query={topic}
      isEmpty={() => false}
      empty={null}
      data-testid="backtest-detail"
    >
      {() => (
        <div className="space-y-5">
          <div className="space-y-2">
            <div className="flex items-center justify-between gap-3 text-sm">
              <Badge tone={BACKTEST_TONE[run.status]}>
                <span data-testid="backtest-status">{run.status}</span>
              </Badge>
              <span className="font-mono text-sm tabular-nums" data-testid="backtest-progress">
                {run.progress}%
              </span>
            </div>
            <ProgressBar value={run.progress} status={run.status} />
            <p className="text-xs text-ink-muted">
              {run.elapsedMs !== null ? `Elapsed ${formatDuration(run.elapsedMs)}` : null}
              {active(run.status) && run.etaMs !== null ? ` · about ${formatDuration(run.etaMs)} left` : null}
              {run.status === "pending" ? "Waiting for a free runner…" : null}
            </p>
          </div>
          <ol className="space-y-1.5 text-sm" aria-label="Steps">
            {run.steps.map((name, i) => {
              const done = run.status === "completed" || i < run.stepIndex;
              const current = run.status === "running" && i === run.stepIndex;
              const failed = run.status === "failed" && i === Math.max(0, run.stepIndex);
              const Icon = failed ? XCircle : done ? CheckCircle2 : current ? Loader2 : Circle;
              return (
                <li key={name} className={cn("flex items-center gap-2", done ? "text-ink" : current ? "text-accent" : failed ? "text-danger" : "text-ink-muted")}>
                  <Icon className={cn("size-4 shrink-0", current && "animate-spin", done && "text-live")} aria-hidden />
                  {name}
                </li>
              );
            })}
          </ol>
          {run.status === "failed" ? (
            <p className="rounded-md border border-danger/40 bg-danger/10 p-3 text-sm text-danger" role="alert">
              {run.error}
            </p>
          ) : null}
          {run.result ? <ResultSummary r={run.result} /> : null}
        </div>
      )}
    </LivePanel>
  );
}

export function BacktestsView({ initialRuns, selectedId, symbols, strategies }: { initialRuns: BacktestView[]; selectedId: string | null; symbols: string[]; strategies: StrategyOption[] }) {
  const queryClient = useQueryClient();
  const router = useRouter();
  const runs = useQuery({
    queryKey: RUNS_KEY,
    initialData: { backtests: initialRuns },
    queryFn: async () => (await (await fetch("/api/v1/backtests", { cache: "no-store" })).json()) as { backtests: BacktestView[] },
  });
  const [selected, setSelected] = useState(selectedId);
  useEffect(() => setSelected(selectedId), [selectedId]);
  const list = runs.data.backtests;
  const current = list.find((r) => r.id === selected) ?? list[0];

  const select = (id: string) => {
    setSelected(id);
    router.replace(`/backtests?id=${id}`, { scroll: false });
  };
  const started = (run: BacktestView) => {
    queryClient.setQueryData<{ backtests: BacktestView[] }>(RUNS_KEY, (prev) => ({ backtests: [run, ...(prev?.backtests ?? [])] }));
    select(run.id);
  };

  return (
    <div className="grid gap-4 lg:grid-cols-[22rem_1fr]">
      <div className="space-y-4">
        <NewBacktest symbols={symbols} strategies={strategies} onStarted={started} />
        <Card>
          <CardHeader title="Your runs" description={list.length ? `${list.length} most recent` : undefined} />
          {list.length === 0 ? (
            <EmptyState icon={FlaskConical} title="No backtests yet">
              Start one above: it runs in the background and its progress shows here live.
            </EmptyState>
          ) : (
            <ul className="space-y-2">
              {list.map((r) => (
                <RunRow key={r.id} run={r} strategies={strategies} selected={r.id === current?.id} onSelect={() => select(r.id)} />
              ))}
            </ul>
          )}
        </Card>
      </div>
      {current ? (
        <RunDetail key={current.id} run={current} strategies={strategies} />
      ) : (
        <Card className="hidden lg:block">
          <EmptyState icon={FlaskConical} title="Nothing selected">
            The progress, steps and result of a run appear here.
          </EmptyState>
        </Card>
      )}
    </div>
  );
}
