import type { Metadata } from "next";
import { requirePageAdmin } from "@/lib/auth/session";
import { PageHeader } from "../../../_components/ui/page-header";
import { AuditLog } from "./audit-log";

export const metadata: Metadata = { title: "Audit log" };

export default async function AdminAuditPage() {
  await requirePageAdmin("/admin/audit");
  return (
    <>
      <PageHeader title="Audit log" description="Who changed what, and from what to what: settings, accounts, users and API keys." />
      <AuditLog />
    </>
  );
}
