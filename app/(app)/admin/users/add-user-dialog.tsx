"use client";

import { useQueryClient } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { toast } from "sonner";
import { requestJson, useSubmit } from "../../../_components/admin/request";
import { Button } from "../../../_components/ui/button";
import { Dialog } from "../../../_components/ui/dialog";
import { Field } from "../../../_components/ui/field";
import { FormError } from "../../../_components/ui/form-error";
import { AUDIT_KEY, USERS_KEY } from "./types";

/** Adds a user with a password the admin hands over; they get default realtime settings. */
export function AddUserDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const queryClient = useQueryClient();
  const { busy, error, setError, run } = useSubmit();

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    await run(async () => {
      const body = { email: String(data.get("email")), name: String(data.get("name")), password: String(data.get("password")), role: String(data.get("role")) };
      await requestJson("/api/v1/admin/users", { method: "POST", body });
      toast.success(`${body.email} added`);
      await Promise.all([queryClient.invalidateQueries({ queryKey: USERS_KEY }), queryClient.invalidateQueries({ queryKey: AUDIT_KEY })]);
      form.reset();
      onOpenChange(false);
    });
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (!next) setError(undefined);
        onOpenChange(next);
      }}
      title="Add user"
      description="They sign in with this email and password."
    >
      <form onSubmit={onSubmit} className="space-y-4" aria-label="Add user">
        <Field label="Email" name="email" type="email" autoComplete="off" required />
        <Field label="Name" name="name" autoComplete="off" required maxLength={100} />
        <Field label="Password" name="password" type="password" autoComplete="new-password" required minLength={10} />
        <label className="block">
          <span className="mb-1.5 block text-sm font-medium">Role</span>
          <select name="role" defaultValue="user" className="h-10 w-full rounded-md border border-line bg-canvas px-3 text-sm text-ink focus:border-accent focus:outline-none">
            <option value="user">user</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <FormError message={error} />
        <div className="flex justify-end gap-2">
          <Button variant="ghost" onClick={() => onOpenChange(false)}>
            Cancel
          </Button>
          <Button type="submit" disabled={busy}>
            {busy ? "Adding…" : "Add user"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
