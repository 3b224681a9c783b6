import type { Metadata } from "next";
import { Cpu } from "lucide-react";
import { SectionPending } from "../../_components/section-pending";

export const metadata: Metadata = { title: "Monitoring" };

export default async function Page() {
  return (
    <SectionPending
      title="Monitoring"
      description="CPU, memory, event-loop lag and message rates of the running service."
      icon={Cpu}
      pending="Live charts of this service's CPU, memory and throughput appear here once the monitoring producer runs."
    />
  );
}
