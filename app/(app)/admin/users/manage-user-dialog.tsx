"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent, type ReactNode } from "react";
import { toast } from "sonner";
import type { RealtimeMode, Role } from "@/lib/db/schema";
import { requestJson, useSubmit } from "../../../_components/admin/request";
import { transportLabel } from "../../../_components/realtime/link-label";
import { IntervalSlider, ModeRadioGroup } from "../../../_components/realtime/settings-controls";
import { ago, useNow } from "../../../_components/realtime/use-now";
import { Badge } from "../../../_components/ui/badge";
import { Button } from "../../../_components/ui/button";
import { Dialog } from "../../../_components/ui/dialog";
import { FormError } from "../../../_components/ui/form-error";
import { AUDIT_KEY, USERS_KEY, type AdminUser } from "./types";

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="border-t border-line pt-4 first:border-t-0 first:pt-0">
      <h3 className="mb-3 text-xs font-semibold uppercase tracking-wider text-ink-muted">{title}</h3>
      {children}
    </section>
  );
}

/** Does one admin action: sends it, reports the server's error in place, refreshes the lists. */
function useAdminAction() {
  const queryClient = useQueryClient();
  const submit = useSubmit();
  const run = (url: string, method: "PUT" | "PATCH", body: unknown, done: string) =>
    submit.run(async () => {
      await requestJson(url, { method, body });
      toast.success(done);
      await Promise.all([queryClient.invalidateQueries({ queryKey: USERS_KEY }), queryClient.invalidateQueries({ queryKey: AUDIT_KEY })]);
    });
  return { busy: submit.busy, error: submit.error, run };
}

function RealtimeSection({ user }: { user: AdminUser }) {
  const [mode, setMode] = useState<RealtimeMode>(user.settings.mode);
  const [seconds, setSeconds] = useState(Math.round(user.settings.pollingIntervalMs / 1000));
  const [locked, setLocked] = useState(user.settings.locked);
  const action = useAdminAction();
  const s = user.settings;
  const dirty = mode !== s.mode || seconds * 1000 !== s.pollingIntervalMs || locked !== s.locked;

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    void action.run(`/api/v1/admin/users/${user.id}/settings`, "PUT", { mode, pollingIntervalMs: seconds * 1000, locked }, `Realtime settings of ${user.email} saved and pushed`);
  }
  return (
    <form onSubmit={onSubmit} aria-label="Realtime settings">
      <div className="space-y-4">
        <ModeRadioGroup name={`mode-${user.id}`} value={mode} onChange={setMode} disabled={action.busy} compact />
        <IntervalSlider id={`interval-${user.id}`} seconds={seconds} onChange={setSeconds} disabled={action.busy} />
        <label className="flex items-start gap-3 text-sm">
          <input type="checkbox" checked={locked} onChange={(e) => setLocked(e.target.checked)} disabled={action.busy} className="mt-0.5 size-4 accent-[var(--color-accent)]" />
          <span>
            <span className="block font-medium">Lock these settings</span>
            <span className="block text-xs text-ink-muted">The user sees them but cannot change them.</span>
          </span>
        </label>
      </div>
      <FormError message={action.error} className="mt-3" />
      <Button type="submit" className="mt-4" disabled={action.busy || !dirty}>
        {action.busy ? "Saving…" : "Save realtime settings"}
      </Button>
    </form>
  );
}

function AccountSection({ user, isSelf }: { user: AdminUser; isSelf: boolean }) {
  const [role, setRole] = useState<Role>(user.role);
  const [confirming, setConfirming] = useState(false);
  const action = useAdminAction();
  const url = `/api/v1/admin/users/${user.id}`;
  const setDisabled = async (disabled: boolean) => {
    const ok = await action.run(url, "PATCH", { disabled }, disabled ? `${user.email} disabled; their connections are closed` : `${user.email} enabled`);
    if (ok) setConfirming(false);
  };

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm">
          Status <Badge tone={user.disabled ? "danger" : "live"}>{user.disabled ? "disabled" : "active"}</Badge>
        </p>
        {user.disabled ? (
          <Button variant="secondary" size="sm" disabled={action.busy} onClick={() => void setDisabled(false)}>
            Enable account
          </Button>
        ) : confirming ? (
          <span className="flex gap-2">
            <Button variant="danger" size="sm" disabled={action.busy} onClick={() => void setDisabled(true)}>
              Yes, disable
            </Button>
            <Button variant="ghost" size="sm" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
          </span>
        ) : (
          <Button variant="danger" size="sm" disabled={action.busy || isSelf} onClick={() => setConfirming(true)}>
            Disable account
          </Button>
        )}
      </div>
      {confirming ? <p className="text-xs text-warn">Disabling signs {user.email} out everywhere: open connections close at once.</p> : null}
      <div className="flex flex-wrap items-end gap-3">
        <label className="block">
          <span className="mb-1.5 block text-sm font-medium">Role</span>
          <select
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
            disabled={action.busy || isSelf}
            className="h-9 rounded-md border border-line bg-canvas px-3 text-sm text-ink focus:border-accent focus:outline-none disabled:opacity-60"
          >
            <option value="user">user</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <Button variant="secondary" size="sm" disabled={action.busy || isSelf || role === user.role} onClick={() => void action.run(url, "PATCH", { role }, `${user.email} is now ${role}`)}>
          Change role
        </Button>
      </div>
      {isSelf ? <p className="text-xs text-ink-muted">You cannot disable or demote yourself; another admin can.</p> : null}
      <FormError message={action.error} className="mt-3" />
    </div>
  );
}

function LiveSection({ user }: { user: AdminUser }) {
  const now = useNow();
  const { live } = user;
  if (live.connections === 0) return <p className="text-sm text-ink-muted">No open connection on this server.</p>;
  return (
    <ul className="space-y-1 text-sm">
      {live.transports.map((t) => (
        <li key={t} className="flex justify-between">
          <span>{transportLabel(t)}</span>
          <span className="text-ink-muted">
            {t === "polling" ? `last poll ${live.lastPollAt ? ago(live.lastPollAt, now) : "—"}` : `${live.byTransport[t]} open`}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** Everything an admin can change about one user; each change is audited and applied live. */
export function ManageUserDialog({ user, isSelf, onClose }: { user: AdminUser; isSelf: boolean; onClose: () => void }) {
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()} title={user.name} description={user.email}>
      <div className="space-y-5">
        <Section title="Realtime">
          <RealtimeSection user={user} />
        </Section>
        <Section title="Account">
          <AccountSection user={user} isSelf={isSelf} />
        </Section>
        <Section title="Live now">
          <LiveSection user={user} />
        </Section>
      </div>
    </Dialog>
  );
}
