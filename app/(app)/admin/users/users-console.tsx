"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { ChevronLeft, ChevronRight, Search, UserPlus } from "lucide-react";
import Link from "next/link";
import { useEffect, useState } from "react";
import { errorMessage, requestJson } from "../../../_components/admin/request";
import { transportLabel } from "../../../_components/realtime/link-label";
import { describeInterval, MODE_LABELS } from "../../../_components/realtime-mode";
import { Badge } from "../../../_components/ui/badge";
import { Button } from "../../../_components/ui/button";
import { Card } from "../../../_components/ui/card";
import { AddUserDialog } from "./add-user-dialog";
import { ManageUserDialog } from "./manage-user-dialog";
import { PAGE_SIZE, USERS_KEY, type AdminUser, type UsersPage } from "./types";

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return debounced;
}

function LiveLinks({ user }: { user: AdminUser }) {
  if (user.live.connections === 0) return <span className="text-ink-muted">offline</span>;
  return (
    <span className="flex flex-wrap items-center gap-1.5" data-testid="user-live">
      <span className="font-mono tabular-nums">{user.live.connections}</span>
      {user.live.transports.map((t) => (
        <Badge key={t} tone={t === "websocket" ? "live" : t === "sse" ? "accent" : "warn"}>
          {transportLabel(t)}
          {user.live.byTransport[t] > 1 ? ` ×${user.live.byTransport[t]}` : ""}
        </Badge>
      ))}
    </span>
  );
}

/** Search, page, and steer users: the table stacks into cards on a phone. */
export function UsersConsole({ currentUserId, firstPage }: { currentUserId: string; firstPage?: UsersPage }) {
  const [input, setInput] = useState("");
  const query = useDebounced(input.trim(), 250);
  const [page, setPage] = useState(1);
  const [managing, setManaging] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  useEffect(() => setPage(1), [query]);

  const users = useQuery({
    queryKey: [...USERS_KEY, query, page],
    queryFn: ({ signal }) => {
      const params = new URLSearchParams({ page: String(page), pageSize: String(PAGE_SIZE) });
      if (query) params.set("query", query);
      return requestJson<UsersPage>(`/api/v1/admin/users?${params}`, { signal });
    },
    initialData: !query && page === 1 ? firstPage : undefined,
    initialDataUpdatedAt: Date.now(),
    placeholderData: keepPreviousData,
    // Live connection counts move; the rest changes only through this console.
    refetchInterval: 5_000,
  });
  const data = users.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  const selected = data?.users.find((u) => u.id === managing);

  return (
    <>
      <div className="mb-4 flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
        <label className="relative block w-full sm:max-w-sm">
          <span className="sr-only">Search users</span>
          <Search className="pointer-events-none absolute left-3 top-1/2 size-4 -translate-y-1/2 text-ink-muted" aria-hidden />
          <input
            type="search"
            value={input}
            onChange={(e) => setInput(e.target.value)}
            placeholder="Search by email or name"
            className="h-10 w-full rounded-md border border-line bg-canvas pl-9 pr-3 text-sm text-ink placeholder:text-ink-muted/60 focus:border-accent focus:outline-none"
          />
        </label>
        <div className="flex gap-2">
          <Link href="/admin/audit" className="inline-flex h-10 items-center rounded-md border border-line bg-panel-raised px-4 text-sm font-medium hover:bg-line/60">
            Audit log
          </Link>
          <Button onClick={() => setAdding(true)}>
            <UserPlus className="size-4" aria-hidden />
            Add user
          </Button>
        </div>
      </div>

      <Card className="p-0 sm:p-0">
        {users.isError && !data ? (
          <p role="alert" className="p-4 text-sm text-danger">
            {errorMessage(users.error)}
          </p>
        ) : !data ? (
          <p className="p-4 text-sm text-ink-muted">Loading users…</p>
        ) : data.users.length === 0 ? (
          <p className="p-4 text-sm text-ink-muted">{query ? `No user matches “${query}”.` : "No users yet."}</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="hidden border-b border-line text-xs uppercase tracking-wider text-ink-muted md:table-header-group">
              <tr>
                <th className="px-4 py-3 font-medium">User</th>
                <th className="px-4 py-3 font-medium">Role</th>
                <th className="px-4 py-3 font-medium">Status</th>
                <th className="px-4 py-3 font-medium">Realtime</th>
                <th className="px-4 py-3 font-medium">Live now</th>
                <th className="px-4 py-3 font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-line">
              {data.users.map((u) => (
                <tr key={u.id} data-testid="user-row" data-email={u.email} className="grid grid-cols-[1fr_auto] gap-x-3 gap-y-1.5 px-4 py-3 md:table-row md:p-0">
                  <td className="col-span-2 md:px-4 md:py-3">
                    <p className="font-medium">
                      {u.name}
                      {u.id === currentUserId ? <span className="ml-2 text-xs text-ink-muted">(you)</span> : null}
                    </p>
                    <p className="break-all text-xs text-ink-muted">{u.email}</p>
                  </td>
                  <td className="md:px-4 md:py-3">
                    <span className="flex flex-wrap gap-1.5">
                      <Badge tone={u.role === "admin" ? "accent" : "neutral"}>{u.role}</Badge>
                      <span className="md:hidden">
                        <Badge tone={u.disabled ? "danger" : "live"}>{u.disabled ? "disabled" : "active"}</Badge>
                      </span>
                    </span>
                  </td>
                  <td className="hidden md:table-cell md:px-4 md:py-3">
                    <Badge tone={u.disabled ? "danger" : "live"}>{u.disabled ? "disabled" : "active"}</Badge>
                  </td>
                  <td className="col-span-2 text-ink-muted md:px-4 md:py-3" data-testid="user-realtime">
                    {MODE_LABELS[u.settings.mode]} · polling {describeInterval(u.settings.pollingIntervalMs)}
                    {u.settings.locked ? " · locked" : ""}
                  </td>
                  <td className="md:px-4 md:py-3">
                    <LiveLinks user={u} />
                  </td>
                  <td className="row-start-2 col-start-2 text-right md:px-4 md:py-3">
                    <Button variant="secondary" size="sm" onClick={() => setManaging(u.id)} aria-label={`Manage ${u.email}`}>
                      Manage
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>

      {data && data.total > 0 ? (
        <nav className="mt-3 flex items-center justify-between text-sm text-ink-muted" aria-label="Pages">
          <span>
            {(data.page - 1) * data.pageSize + 1}–{Math.min(data.total, data.page * data.pageSize)} of {data.total}
          </span>
          <span className="flex items-center gap-2">
            <Button variant="ghost" size="sm" disabled={page <= 1} onClick={() => setPage((p) => p - 1)} aria-label="Previous page">
              <ChevronLeft className="size-4" aria-hidden />
            </Button>
            <span>
              Page {page} of {pages}
            </span>
            <Button variant="ghost" size="sm" disabled={page >= pages} onClick={() => setPage((p) => p + 1)} aria-label="Next page">
              <ChevronRight className="size-4" aria-hidden />
            </Button>
          </span>
        </nav>
      ) : null}

      {selected ? <ManageUserDialog key={selected.id} user={selected} isSelf={selected.id === currentUserId} onClose={() => setManaging(null)} /> : null}
      <AddUserDialog open={adding} onOpenChange={setAdding} />
    </>
  );
}
