import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/session";
import { config } from "@/lib/config";
import { monitoringHistory } from "@/lib/producers/monitoring";
import { PageHeader } from "../../_components/ui/page-header";
import { MonitoringView } from "./monitoring-view";

export const metadata: Metadata = { title: "Monitoring" };

export default async function Page() {
  await requirePageUser("/monitoring");
  return (
    <>
      <PageHeader title="Monitoring" description="CPU, memory, event-loop lag, connections and message rates of this server, live." />
      <MonitoringView initialHistory={monitoringHistory()} intervalMs={config().MONITORING_INTERVAL_MS} />
    </>
  );
}
