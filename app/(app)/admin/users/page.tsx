import type { Metadata } from "next";
import { listAdminUsers } from "@/lib/admin/user-links";
import { requirePageAdmin } from "@/lib/auth/session";
import { PageHeader } from "../../../_components/ui/page-header";
import { PAGE_SIZE, type UsersPage } from "./types";
import { UsersConsole } from "./users-console";

export const metadata: Metadata = { title: "Users" };

export default async function AdminUsersPage() {
  const admin = await requirePageAdmin("/admin/users");
  // The first page, rendered at once; the console refreshes it live. (Dates become strings, as over the API.)
  const first = JSON.parse(JSON.stringify(await listAdminUsers({ page: 1, pageSize: PAGE_SIZE }))) as UsersPage;
  return (
    <>
      <PageHeader title="Users" description="Everyone who can sign in: their realtime settings, live links and account. Every change is audited." />
      <UsersConsole currentUserId={admin.id} firstPage={first} />
    </>
  );
}
