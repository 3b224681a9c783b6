import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/session";
import { config } from "@/lib/config";
import { listBacktests } from "@/lib/db/backtests";
import { toBacktestView } from "@/lib/producers/backtests";
import { RULES, STRATEGY_KINDS } from "@/lib/producers/strategies/rules";
import { PageHeader } from "../../_components/ui/page-header";
import { BacktestsView } from "./backtests-view";

export const metadata: Metadata = { title: "Backtests" };

export default async function Page({ searchParams }: { searchParams: Promise<{ id?: string }> }) {
  const user = await requirePageUser("/backtests");
  const { id } = await searchParams;
  const runs = (await listBacktests(user.id, 20)).map(toBacktestView);
  const strategies = STRATEGY_KINDS.map((kind) => ({ kind, label: RULES[kind].label, description: RULES[kind].description }));
  return (
    <>
      <PageHeader title="Backtests" description="Replay a strategy over simulated history. Runs go on in the background; you are notified when one finishes." />
      <BacktestsView initialRuns={runs} selectedId={id ?? runs[0]?.id ?? null} symbols={config().marketSymbols} strategies={strategies} />
    </>
  );
}
