"use client";

import { Lock } from "lucide-react";
import { useEffect, useState, type FormEvent } from "react";
import { toast } from "sonner";
import { useConnectionStatus, useRealtimeClient } from "@/lib/client/react";
import type { RealtimeSettings } from "@/lib/db/queries";
import { ApiError, requestJson, useSubmit } from "../../../_components/admin/request";
import { describeLink } from "../../../_components/realtime/link-label";
import { IntervalSlider, ModeRadioGroup } from "../../../_components/realtime/settings-controls";
import { Badge } from "../../../_components/ui/badge";
import { Button } from "../../../_components/ui/button";
import { Card, CardHeader } from "../../../_components/ui/card";
import { FormError } from "../../../_components/ui/form-error";

/**
 * The user's own realtime settings. Saving applies them to this tab at once; the server pushes
 * them to the user's other tabs. While nothing is edited, the form follows the live settings
 * (an admin's change, another tab's save).
 */
export function RealtimeSettingsForm({ initial }: { initial: RealtimeSettings }) {
  const client = useRealtimeClient();
  const status = useConnectionStatus();
  const [locked, setLocked] = useState(initial.locked);
  const [saved, setSaved] = useState({ mode: initial.mode, seconds: Math.round(initial.pollingIntervalMs / 1000) });
  const [mode, setMode] = useState(saved.mode);
  const [seconds, setSeconds] = useState(saved.seconds);
  const { busy: saving, error, setError, run } = useSubmit();
  const dirty = mode !== saved.mode || seconds !== saved.seconds;

  const live = status.settings;
  useEffect(() => {
    const next = { mode: live.mode, seconds: Math.round(live.pollingIntervalMs / 1000) };
    setSaved((prev) => (prev.mode === next.mode && prev.seconds === next.seconds ? prev : next));
  }, [live.mode, live.pollingIntervalMs]);
  useEffect(() => {
    if (dirty) return;
    setMode(saved.mode);
    setSeconds(saved.seconds);
    // Only a change of the saved values resets the form, not a change of `dirty` itself.
  }, [saved]);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    await run(async () => {
      try {
        const next = await requestJson<RealtimeSettings>("/api/v1/me/settings", { method: "PUT", body: { mode, pollingIntervalMs: seconds * 1000 } });
        setSaved({ mode: next.mode, seconds: Math.round(next.pollingIntervalMs / 1000) });
        client.ladder.applySettings({ mode: next.mode, pollingIntervalMs: next.pollingIntervalMs });
        toast.success("Realtime settings saved", { description: "This tab switched at once; your other tabs follow within a second." });
      } catch (err) {
        // Locked by an admin since the page loaded.
        if (err instanceof ApiError && err.status === 403) setLocked(true);
        throw err;
      }
    });
  }

  const link = describeLink(status);
  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_18rem]">
      <Card>
        <CardHeader title="How live data reaches this browser" description="Applies to every tab where you are signed in." />
        {locked ? (
          <p role="status" data-testid="settings-locked" className="mb-4 flex items-start gap-2 rounded-lg border border-warn/40 bg-warn/10 px-3 py-2 text-sm text-warn">
            <Lock className="mt-0.5 size-4 shrink-0" aria-hidden />
            An administrator has locked your realtime settings. Ask an admin to change them.
          </p>
        ) : null}
        <form onSubmit={onSubmit} className="space-y-6" aria-label="Realtime settings">
          <ModeRadioGroup name="mode" value={mode} onChange={setMode} disabled={locked || saving} />
          <IntervalSlider id="polling-interval" seconds={seconds} onChange={setSeconds} disabled={locked || saving} />
          <p className="-mt-3 text-xs text-ink-muted">Used in polling mode, and in Auto when a network allows nothing better.</p>
          <FormError message={error} />
          <div className="flex items-center gap-3">
            <Button type="submit" disabled={locked || saving || !dirty}>
              {saving ? "Saving…" : "Save"}
            </Button>
            {dirty && !locked ? (
              <Button
                variant="ghost"
                onClick={() => {
                  setMode(saved.mode);
                  setSeconds(saved.seconds);
                  setError(undefined);
                }}
              >
                Discard changes
              </Button>
            ) : null}
          </div>
        </form>
      </Card>
      <Card className="self-start">
        <CardHeader title="This tab now" />
        <dl className="space-y-2 text-sm">
          <div className="flex justify-between gap-3">
            <dt className="text-ink-muted">Link</dt>
            <dd>
              <Badge tone={link.tone}>{link.label}</Badge>
            </dd>
          </div>
          <div className="flex justify-between gap-3">
            <dt className="text-ink-muted">Why</dt>
            <dd className="text-right">{status.reason}</dd>
          </div>
        </dl>
      </Card>
    </div>
  );
}
