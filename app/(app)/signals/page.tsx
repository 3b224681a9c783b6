import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/session";
import { config } from "@/lib/config";
import { listRecentSignals } from "@/lib/db/signals";
import { defaultStrategies } from "@/lib/producers/strategies/engine";
import { PageHeader } from "../../_components/ui/page-header";
import { SignalsView } from "./signals-view";

export const metadata: Metadata = { title: "Signals" };

export default async function Page() {
  await requirePageUser("/signals");
  const symbols = config().marketSymbols;
  const strategies = defaultStrategies(symbols).map(({ id, name }) => ({ id, name }));
  return (
    <>
      <PageHeader title="Signals" description="Every trade signal the strategies emit, stored in Postgres, appearing here as it happens." />
      <SignalsView initial={await listRecentSignals(100)} symbols={symbols} strategies={strategies} />
    </>
  );
}
