"use client";

import { Toaster as Sonner } from "sonner";

export function Toaster() {
  return (
    <Sonner
      theme="dark"
      position="bottom-right"
      toastOptions={{ classNames: { toast: "!bg-panel !border-line !text-ink", description: "!text-ink-muted" } }}
    />
  );
}
