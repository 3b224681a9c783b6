import { AlertTriangle, type LucideIcon } from "lucide-react";
import type { ReactNode } from "react";
import { Button } from "../ui/button";
import { cn } from "../ui/cn";
import { formatDateTime, formatTime } from "./format";

/** A grey block where content will be: for first loads. */
export function Skeleton({ className }: { className?: string }) {
  return <div aria-hidden className={cn("animate-pulse rounded-md bg-panel-raised", className)} />;
}

export function SkeletonRows({ rows = 4 }: { rows?: number }) {
  return (
    <div className="space-y-2" role="status" aria-label="Loading">
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} className="h-8" />
      ))}
    </div>
  );
}

/** Nothing to show yet, said plainly, with what will make something appear. */
export function EmptyState({ icon: Icon, title, children }: { icon: LucideIcon; title: string; children?: ReactNode }) {
  return (
    <div className="flex flex-col items-center gap-2 py-8 text-center" data-testid="empty-state">
      <span className="grid size-10 place-items-center rounded-full bg-panel-raised text-ink-muted">
        <Icon className="size-5" aria-hidden />
      </span>
      <p className="text-sm font-medium">{title}</p>
      {children ? <p className="max-w-sm text-xs text-ink-muted">{children}</p> : null}
    </div>
  );
}

/** A failed load: what went wrong and a way to try again. */
export function ErrorState({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <div className="flex flex-col items-center gap-3 py-8 text-center" role="alert">
      <span className="grid size-10 place-items-center rounded-full bg-danger/10 text-danger">
        <AlertTriangle className="size-5" aria-hidden />
      </span>
      <p className="max-w-sm text-sm text-ink-muted">{message}</p>
      {onRetry ? (
        <Button size="sm" variant="secondary" onClick={onRetry}>
          Try again
        </Button>
      ) : null}
    </div>
  );
}

/** A time in the viewer's zone (the server renders its own zone, hence no hydration warning). */
export function Time({ value, withDate }: { value: number | string; withDate?: boolean }) {
  return (
    <time dateTime={new Date(value).toISOString()} suppressHydrationWarning>
      {withDate ? formatDateTime(value) : formatTime(value)}
    </time>
  );
}
