import type { Metadata } from "next";
import Link from "next/link";
import { requirePageUser } from "@/lib/auth/session";
import { getRealtimeSettings } from "@/lib/db/queries";
import { checkHealth } from "@/lib/health";
import { Badge } from "../../_components/ui/badge";
import { Card, CardHeader } from "../../_components/ui/card";
import { PageHeader } from "../../_components/ui/page-header";
import { describeInterval, MODE_LABELS } from "../../_components/realtime-mode";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  const user = await requirePageUser("/dashboard");
  const [settings, health] = await Promise.all([getRealtimeSettings(user.id), checkHealth()]);
  const firstName = user.name.split(" ")[0];

  return (
    <>
      <PageHeader title={`Good to see you, ${firstName}`} description="Your trading and operations overview." />
      <div className="grid gap-4 md:grid-cols-2">
        <Card>
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
        <Card>
          <CardHeader title="Service health" description="Checked when this page loaded." />
          <ul className="space-y-2 text-sm">
            {Object.entries(health.checks).map(([name, check]) => (
              <li key={name} className="flex items-center justify-between gap-3">
                <span className="capitalize">{name}</span>
                <Badge tone={check.status === "healthy" ? "live" : check.status === "degraded" ? "warn" : "danger"}>
                  {check.status}
                  {check.latencyMs !== undefined ? ` · ${check.latencyMs} ms` : ""}
                </Badge>
              </li>
            ))}
          </ul>
        </Card>
      </div>
    </>
  );
}
