import type { Metadata } from "next";
import { requirePageAdmin } from "@/lib/auth/session";
import { TopicInspector } from "../../../_components/realtime/topic-inspector";
import { PageHeader } from "../../../_components/ui/page-header";

export const metadata: Metadata = { title: "Realtime operations" };

export default async function AdminRealtimePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageAdmin("/admin/realtime");
  const { topic } = await searchParams;
  return (
    <>
      <PageHeader title="Realtime operations" description="Watch any topic as this browser receives it." />
      <TopicInspector initialTopic={typeof topic === "string" ? topic : undefined} />
    </>
  );
}
