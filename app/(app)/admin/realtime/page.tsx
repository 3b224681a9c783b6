import type { Metadata } from "next";
import { requirePageAdmin } from "@/lib/auth/session";
import { TopicInspector } from "../../../_components/realtime/topic-inspector";
import { PageHeader } from "../../../_components/ui/page-header";
import { ApiKeys } from "./api-keys";
import { BroadcastForm } from "./broadcast-form";
import { OpsView } from "./ops-view";

export const metadata: Metadata = { title: "Realtime operations" };

export default async function AdminRealtimePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageAdmin("/admin/realtime");
  const { topic } = await searchParams;
  return (
    <>
      <PageHeader title="Realtime operations" description="How this server's realtime links are doing, live; announcements, publisher keys, and any topic as this browser receives it." />
      <OpsView />
      <div className="mb-6 grid gap-4 lg:grid-cols-2">
        <BroadcastForm />
        <ApiKeys />
      </div>
      <TopicInspector initialTopic={typeof topic === "string" ? topic : undefined} />
    </>
  );
}
