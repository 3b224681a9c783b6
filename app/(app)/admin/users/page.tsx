import type { Metadata } from "next";
import { requirePageAdmin } from "@/lib/auth/session";
import { listUsersWithSettings } from "@/lib/db/queries";
import { Badge } from "../../../_components/ui/badge";
import { Card } from "../../../_components/ui/card";
import { PageHeader } from "../../../_components/ui/page-header";
import { describeInterval, MODE_LABELS } from "../../../_components/realtime-mode";

export const metadata: Metadata = { title: "Users" };

export default async function AdminUsersPage() {
  await requirePageAdmin("/admin/users");
  const users = await listUsersWithSettings(100);
  return (
    <>
      <PageHeader title="Users" description="Everyone who can sign in, with their realtime settings." />
      <Card className="overflow-x-auto p-0 sm:p-0">
        <table className="w-full min-w-[40rem] text-left text-sm">
          <thead className="border-b border-line text-xs uppercase tracking-wider text-ink-muted">
            <tr>
              <th className="px-4 py-3 font-medium">User</th>
              <th className="px-4 py-3 font-medium">Role</th>
              <th className="px-4 py-3 font-medium">Status</th>
              <th className="px-4 py-3 font-medium">Realtime</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-line">
            {users.map((u) => (
              <tr key={u.id}>
                <td className="px-4 py-3">
                  <p className="font-medium">{u.name}</p>
                  <p className="text-xs text-ink-muted">{u.email}</p>
                </td>
                <td className="px-4 py-3">
                  <Badge tone={u.role === "admin" ? "accent" : "neutral"}>{u.role}</Badge>
                </td>
                <td className="px-4 py-3">
                  <Badge tone={u.disabled ? "danger" : "live"}>{u.disabled ? "disabled" : "active"}</Badge>
                </td>
                <td className="px-4 py-3 text-ink-muted">
                  {MODE_LABELS[u.settings.mode]} · polling {describeInterval(u.settings.pollingIntervalMs)}
                  {u.settings.locked ? " · locked" : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </>
  );
}
