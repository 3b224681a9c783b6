"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { ArrowRight } from "lucide-react";
import type { AuditRow } from "@/lib/db/admin";
import { errorMessage, requestJson } from "../../../_components/admin/request";
import { Badge } from "../../../_components/ui/badge";
import { Button } from "../../../_components/ui/button";
import { Card } from "../../../_components/ui/card";
import { AUDIT_KEY } from "../users/types";

type Entry = Omit<AuditRow, "at"> & { at: string };
interface AuditPage {
  entries: Entry[];
  nextBefore: number | null;
}

const ACTION_LABELS: Record<string, string> = {
  "realtime_settings.update": "Realtime settings",
  "user.update": "Account",
  "user.create": "User added",
  "api_key.create": "API key created",
  "api_key.revoke": "API key revoked",
};

function show(key: string, v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (key === "pollingIntervalMs" && typeof v === "number") return `${v / 1000} s`;
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** The fields an entry changed, as "field: before → after" (everything in `after` for a creation). */
function Changes({ before, after }: { before: unknown; after: unknown }) {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  const changed = keys.filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]));
  if (changed.length === 0) return <span className="text-ink-muted">no change</span>;
  return (
    <ul className="space-y-0.5">
      {changed.map((k) => (
        <li key={k} className="flex flex-wrap items-center gap-1.5 font-mono text-xs">
          <span className="text-ink-muted">{k}:</span>
          {k in b ? (
            <>
              <span className="text-danger/90 line-through decoration-danger/50">{show(k, b[k])}</span>
              <ArrowRight className="size-3 text-ink-muted" aria-label="to" />
            </>
          ) : null}
          <span className="text-live">{show(k, a[k])}</span>
        </li>
      ))}
    </ul>
  );
}

function who(p: { name: string; email: string } | null, fallback: string) {
  return p ? (
    <>
      <span className="font-medium">{p.name}</span> <span className="text-xs text-ink-muted">{p.email}</span>
    </>
  ) : (
    <span className="text-ink-muted">{fallback}</span>
  );
}

/** Every admin change, newest first, fifty at a time. */
export function AuditLog() {
  const audit = useInfiniteQuery({
    queryKey: AUDIT_KEY,
    initialPageParam: undefined as number | undefined,
    queryFn: ({ pageParam, signal }) => requestJson<AuditPage>(`/api/v1/admin/audit?limit=50${pageParam ? `&before=${pageParam}` : ""}`, { signal }),
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });
  const entries = audit.data?.pages.flatMap((p) => p.entries) ?? [];

  if (audit.isError && entries.length === 0) {
    return (
      <Card>
        <p role="alert" className="text-sm text-danger">
          {errorMessage(audit.error)}
        </p>
      </Card>
    );
  }
  return (
    <>
      <Card className="p-0 sm:p-0">
        {audit.isPending ? (
          <p className="p-4 text-sm text-ink-muted">Loading the audit log…</p>
        ) : entries.length === 0 ? (
          <p className="p-4 text-sm text-ink-muted">Nothing changed yet.</p>
        ) : (
          <ol className="divide-y divide-line">
            {entries.map((e) => (
              <li key={e.id} data-testid="audit-row" data-action={e.action} data-target={e.targetUser?.email ?? e.targetId} className="grid gap-2 px-4 py-3 text-sm md:grid-cols-[10rem_1fr_1fr_1.3fr]">
                <time dateTime={e.at} className="text-xs text-ink-muted" suppressHydrationWarning>
                  {new Date(e.at).toLocaleString()}
                </time>
                <div>
                  <Badge tone="accent">{ACTION_LABELS[e.action] ?? e.action}</Badge>
                  <p className="mt-1">{who(e.actor, "deleted user")}</p>
                </div>
                <div className="min-w-0 break-all">
                  <span className="text-xs uppercase tracking-wider text-ink-muted">{e.targetType.replace("_", " ")} </span>
                  {e.targetUser ? who(e.targetUser, "") : <span className="font-mono text-xs">{e.targetId}</span>}
                </div>
                <Changes before={e.before} after={e.after} />
              </li>
            ))}
          </ol>
        )}
      </Card>
      {audit.hasNextPage ? (
        <div className="mt-3 flex justify-center">
          <Button variant="secondary" disabled={audit.isFetchingNextPage} onClick={() => void audit.fetchNextPage()}>
            {audit.isFetchingNextPage ? "Loading…" : "Older entries"}
          </Button>
        </div>
      ) : null}
    </>
  );
}
