"use client";

import { Megaphone } from "lucide-react";
import type { FormEvent } from "react";
import { toast } from "sonner";
import type { BroadcastResult } from "@/lib/realtime/broadcast";
import { requestJson, useSubmit } from "../../../_components/admin/request";
import { Button } from "../../../_components/ui/button";
import { Card, CardHeader } from "../../../_components/ui/card";
import { Field } from "../../../_components/ui/field";
import { FormError } from "../../../_components/ui/form-error";

const text = (data: FormData, name: string) => String(data.get(name) ?? "").trim();

/**
 * POST /api/v1/realtime/broadcast: an announcement as a notification to every user (it rings
 * every bell at once and stays in their list), or a message on one topic.
 */
export function BroadcastForm() {
  const { busy, error, run } = useSubmit();

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    // Only the fields filled in: the API refuses empty optional ones.
    const optional = Object.fromEntries(["title", "link", "topic"].map((k) => [k, text(data, k)]).filter(([, v]) => v));
    await run(async () => {
      const result = await requestJson<BroadcastResult>("/api/v1/realtime/broadcast", {
        method: "POST",
        body: { message: text(data, "message"), priority: text(data, "priority"), ...optional },
      });
      toast.success("Broadcast sent", {
        description: result.to === "everyone" ? `Notified ${result.delivered} user${result.delivered === 1 ? "" : "s"}.` : `Published on ${result.topic} as #${result.seq}.`,
      });
      form.reset();
    });
  }

  return (
    <Card>
      <CardHeader title="Broadcast" description="A notification to every user, delivered live; or a message on one topic." />
      <form onSubmit={onSubmit} className="space-y-3" aria-label="Broadcast">
        <Field label="Title (optional)" name="title" maxLength={200} placeholder="Maintenance tonight" />
        <label className="block">
          <span className="mb-1.5 block text-sm font-medium">Message</span>
          <textarea
            name="message"
            required
            maxLength={2000}
            rows={3}
            className="w-full rounded-md border border-line bg-canvas px-3 py-2 text-sm text-ink placeholder:text-ink-muted/60 focus:border-accent focus:outline-none"
            placeholder="Maintenance at 18:00 UTC: expect a short reconnect."
          />
        </label>
        <div className="grid gap-3 sm:grid-cols-[10rem_1fr]">
          <label className="block">
            <span className="mb-1.5 block text-sm font-medium">Priority</span>
            <select name="priority" defaultValue="normal" className="h-10 w-full rounded-md border border-line bg-canvas px-3 text-sm text-ink focus:border-accent focus:outline-none">
              <option value="low">low</option>
              <option value="normal">normal</option>
              <option value="high">high</option>
            </select>
          </label>
          <Field label="Link (optional)" name="link" placeholder="/monitoring" />
        </div>
        <Field label="Topic (optional: instead of notifying everyone)" name="topic" placeholder="ext.announcements" />
        <FormError message={error} />
        <Button type="submit" disabled={busy}>
          <Megaphone className="size-4" aria-hidden />
          {busy ? "Sending…" : "Send broadcast"}
        </Button>
      </form>
    </Card>
  );
}
