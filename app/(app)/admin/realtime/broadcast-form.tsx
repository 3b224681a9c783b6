"use client";

import { Megaphone } from "lucide-react";
import type { FormEvent } from "react";
import { toast } from "sonner";
import { requestJson, useSubmit } from "../../../_components/admin/request";
import { Button } from "../../../_components/ui/button";
import { Card, CardHeader } from "../../../_components/ui/card";
import { Field } from "../../../_components/ui/field";
import { FormError } from "../../../_components/ui/form-error";

/** POST /api/v1/realtime/broadcast: an announcement every signed-in user sees at once. */
export function BroadcastForm() {
  const { busy, error, run } = useSubmit();

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const link = String(data.get("link") ?? "").trim();
    await run(async () => {
      const result = await requestJson<{ seq: number }>("/api/v1/realtime/broadcast", {
        method: "POST",
        body: { message: String(data.get("message") ?? ""), priority: String(data.get("priority")), ...(link ? { link } : {}) },
      });
      toast.success("Broadcast sent", { description: `Published as broadcast #${result.seq}.` });
      form.reset();
    });
  }

  return (
    <Card>
      <CardHeader title="Broadcast" description="An announcement to every signed-in user, delivered live." />
      <form onSubmit={onSubmit} className="space-y-3" aria-label="Broadcast">
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
        <FormError message={error} />
        <Button type="submit" disabled={busy}>
          <Megaphone className="size-4" aria-hidden />
          {busy ? "Sending…" : "Send broadcast"}
        </Button>
      </form>
    </Card>
  );
}
