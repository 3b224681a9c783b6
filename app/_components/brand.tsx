import { Activity } from "lucide-react";
import { cn } from "./ui/cn";

/** The logo and name. `compact`: the name gives way to the header's controls on narrow phones. */
export function Brand({ compact = false }: { compact?: boolean }) {
  return (
    <span className="inline-flex items-center gap-2 text-base font-semibold tracking-tight">
      <span className="grid size-7 place-items-center rounded-md bg-accent/15 text-accent">
        <Activity className="size-4" aria-hidden />
      </span>
      <span className={cn(compact && "max-[419px]:sr-only")}>Switchback</span>
    </span>
  );
}
