"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";
import { Button } from "../_components/ui/button";

export function SignOutButton() {
  const [pending, setPending] = useState(false);
  return (
    <div className="flex gap-2">
      <Button
        className="flex-1"
        disabled={pending}
        onClick={() => {
          setPending(true);
          void signOut({ callbackUrl: "/signin" });
        }}
      >
        {pending ? "Signing out…" : "Sign out"}
      </Button>
      <a href="/dashboard" className="inline-flex h-10 flex-1 items-center justify-center rounded-md border border-line bg-panel-raised text-sm font-medium hover:bg-line/60">
        Cancel
      </a>
    </div>
  );
}
