import { Activity } from "lucide-react";

export function Brand() {
  return (
    <span className="inline-flex items-center gap-2 text-base font-semibold tracking-tight">
      <span className="grid size-7 place-items-center rounded-md bg-accent/15 text-accent">
        <Activity className="size-4" aria-hidden />
      </span>
      Switchback
    </span>
  );
}
