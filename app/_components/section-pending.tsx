import type { LucideIcon } from "lucide-react";
import { Card } from "./ui/card";
import { PageHeader } from "./ui/page-header";

/** A section whose live panels are not built yet: says plainly what will appear here. */
export function SectionPending({ title, description, icon: Icon, pending }: { title: string; description: string; icon: LucideIcon; pending: string }) {
  return (
    <>
      <PageHeader title={title} description={description} />
      <Card className="flex flex-col items-center gap-3 py-12 text-center">
        <span className="grid size-11 place-items-center rounded-full bg-panel-raised text-ink-muted">
          <Icon className="size-5" aria-hidden />
        </span>
        <p className="max-w-md text-sm text-ink-muted">{pending}</p>
      </Card>
    </>
  );
}
