import type { Metadata } from "next";
import Link from "next/link";
import { requirePageUser } from "@/lib/auth/session";
import { config } from "@/lib/config";
import { getRealtimeSettings } from "@/lib/db/queries";
import { listRecentSignals } from "@/lib/db/signals";
import { readCandles } from "@/lib/producers/market/read";
import { profileFor } from "@/lib/producers/market/simulator";
import { Card, CardHeader } from "../../_components/ui/card";
import { PageHeader } from "../../_components/ui/page-header";
import { describeInterval, MODE_LABELS } from "../../_components/realtime-mode";
import { DashboardLive } from "./dashboard-live";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  const user = await requirePageUser("/dashboard");
  const [settings, signals] = await Promise.all([getRealtimeSettings(user.id), listRecentSignals(6)]);
  const firstName = user.name.split(" ")[0];
  const markets = config().marketSymbols.map((symbol) => ({
    symbol,
    currency: profileFor(symbol).currency,
    last: null,
    closes: readCandles(symbol, 60)?.candles.map((c) => c.c) ?? [],
  }));

  return (
    <>
      <PageHeader title={`Good to see you, ${firstName}`} description="Your trading and operations overview, live." />
      <DashboardLive markets={markets} initialSignals={signals} />
      <Card className="mt-4">
        <CardHeader
          title="Your realtime link"
          description="How live data reaches this browser."
          action={
            <Link href="/settings/realtime" className="text-xs font-medium text-accent hover:underline">
              Change
            </Link>
          }
        />
        <dl className="grid grid-cols-2 gap-3 text-sm">
          <div>
            <dt className="text-ink-muted">Mode</dt>
            <dd className="mt-0.5 font-medium" data-testid="realtime-mode">
              {MODE_LABELS[settings.mode]}
            </dd>
          </div>
          <div>
            <dt className="text-ink-muted">Polling fallback</dt>
            <dd className="mt-0.5 font-medium">{describeInterval(settings.pollingIntervalMs)}</dd>
          </div>
        </dl>
        {settings.locked ? <p className="mt-3 text-xs text-warn">An administrator has locked this setting.</p> : null}
      </Card>
    </>
  );
}
