import type { ReactNode } from "react";
import { cn } from "../ui/cn";

/** One figure with its label: the tiles of the live panels. */
export function Stat({ label, value, sub, className, valueClassName, ...rest }: { label: string; value: ReactNode; sub?: ReactNode; className?: string; valueClassName?: string; "data-testid"?: string }) {
  return (
    <div className={cn("min-w-0 rounded-lg border border-line bg-canvas/40 px-3 py-2.5", className)} data-testid={rest["data-testid"]}>
      <p className="truncate text-xs text-ink-muted">{label}</p>
      <p className={cn("mt-0.5 truncate font-mono text-lg font-semibold tabular-nums", valueClassName)}>{value}</p>
      {sub ? <p className="truncate text-xs text-ink-muted">{sub}</p> : null}
    </div>
  );
}

/** A horizontal gauge for a share used (0–100), amber past 80 and red past 95. */
export function Meter({ percent, label }: { percent: number; label: string }) {
  const p = Math.max(0, Math.min(100, percent));
  const tone = p >= 95 ? "bg-danger" : p >= 80 ? "bg-warn" : "bg-accent";
  return (
    <div className="h-1.5 w-full overflow-hidden rounded-full bg-panel-raised" role="meter" aria-label={label} aria-valuenow={Math.round(p)} aria-valuemin={0} aria-valuemax={100}>
      <div className={cn("h-full rounded-full transition-[width] duration-500", tone)} style={{ width: `${p}%` }} />
    </div>
  );
}
