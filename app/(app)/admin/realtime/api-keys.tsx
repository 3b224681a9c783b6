"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Copy, KeyRound } from "lucide-react";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import type { ApiKeySummary } from "@/lib/db/api-keys";
import { errorMessage, requestJson } from "../../../_components/admin/request";
import { formatDateTime } from "../../../_components/live/format";
import { Badge } from "../../../_components/ui/badge";
import { Button } from "../../../_components/ui/button";
import { Card, CardHeader } from "../../../_components/ui/card";
import { Field } from "../../../_components/ui/field";
import { FormError } from "../../../_components/ui/form-error";
import { AUDIT_KEY } from "../users/types";

type Key = Omit<ApiKeySummary, "createdAt" | "lastUsedAt" | "revokedAt"> & { createdAt: string; lastUsedAt: string | null; revokedAt: string | null };
const KEYS = ["admin", "api-keys"] as const;

/** The new key's secret, shown this once, with a copy button. */
function Secret({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      toast.success("Copied");
    } catch {
      toast.error("Copy failed: select the key and copy it by hand.");
    }
  };
  return (
    <div className="mb-4 rounded-lg border border-live/40 bg-live/10 p-3" data-testid="new-api-key">
      <p className="text-sm font-medium">Key “{name}” created. Copy it now: it is not shown again.</p>
      <div className="mt-2 flex gap-2">
        <code className="min-w-0 flex-1 select-all break-all rounded bg-canvas px-2 py-1.5 font-mono text-xs" data-testid="api-key-secret">
          {secret}
        </code>
        <Button variant="secondary" size="sm" onClick={() => void copy()} aria-label="Copy the key">
          <Copy className="size-4" aria-hidden />
          Copy
        </Button>
      </div>
      <Button variant="ghost" size="sm" className="mt-2" onClick={onDone}>
        I have stored it
      </Button>
    </div>
  );
}

/** API keys for POST /api/v1/publish: create (secret shown once), list, revoke. */
export function ApiKeys() {
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<{ name: string; secret: string }>();
  const keys = useQuery({ queryKey: KEYS, queryFn: ({ signal }) => requestJson<{ keys: Key[] }>("/api/v1/admin/api-keys", { signal }) });
  const refresh = () => Promise.all([queryClient.invalidateQueries({ queryKey: KEYS }), queryClient.invalidateQueries({ queryKey: AUDIT_KEY })]);

  const create = useMutation({
    mutationFn: (name: string) => requestJson<{ key: Key; secret: string }>("/api/v1/admin/api-keys", { method: "POST", body: { name } }),
    onSuccess: async ({ key, secret }) => {
      setCreated({ name: key.name, secret });
      await refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => requestJson(`/api/v1/admin/api-keys/${id}`, { method: "DELETE" }),
    onSuccess: async () => {
      toast.success("Key revoked");
      await refresh();
    },
    onError: (err) => toast.error(errorMessage(err)),
  });

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const name = String(new FormData(form).get("name") ?? "").trim();
    create.mutate(name, { onSuccess: () => form.reset() });
  }

  return (
    <Card>
      <CardHeader title="API keys" description="For other systems to publish with POST /api/v1/publish (Authorization: Bearer)." />
      {created ? <Secret {...created} onDone={() => setCreated(undefined)} /> : null}
      <form onSubmit={onSubmit} className="mb-4 flex flex-col gap-2 sm:flex-row sm:items-end" aria-label="Create API key">
        <div className="flex-1">
          <Field label="New key name" name="name" required maxLength={100} placeholder="pricing-feed" />
        </div>
        <Button type="submit" disabled={create.isPending}>
          <KeyRound className="size-4" aria-hidden />
          {create.isPending ? "Creating…" : "Create key"}
        </Button>
      </form>
      <FormError message={create.error ? errorMessage(create.error) : undefined} className="mb-3" />
      {keys.isError ? (
        <FormError message={errorMessage(keys.error)} />
      ) : !keys.data ? (
        <p className="text-sm text-ink-muted">Loading keys…</p>
      ) : keys.data.keys.length === 0 ? (
        <p className="text-sm text-ink-muted">No key yet.</p>
      ) : (
        <ul className="divide-y divide-line text-sm">
          {keys.data.keys.map((k) => (
            <li key={k.id} data-testid="api-key-row" data-name={k.name} className="flex flex-wrap items-center justify-between gap-2 py-2.5">
              <div className="min-w-0">
                <p className="font-medium">
                  {k.name} <span className="font-mono text-xs text-ink-muted">{k.prefix}…</span>
                </p>
                <p className="text-xs text-ink-muted">
                  created {formatDateTime(k.createdAt)} · last used {k.lastUsedAt ? formatDateTime(k.lastUsedAt) : "never"}
                </p>
              </div>
              {k.revokedAt ? (
                <Badge tone="danger">revoked {formatDateTime(k.revokedAt)}</Badge>
              ) : (
                <Button
                  variant="secondary"
                  size="sm"
                  disabled={revoke.isPending}
                  onClick={() => {
                    if (window.confirm(`Revoke “${k.name}”? Publishers using it are refused at once.`)) revoke.mutate(k.id);
                  }}
                >
                  Revoke
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
