import { cn } from "./cn";

/** A form's error, announced to screen readers; nothing when there is none. */
export function FormError({ message, className }: { message?: string; className?: string }) {
  if (!message) return null;
  return (
    <p role="alert" className={cn("rounded-lg border border-danger/40 bg-danger/10 px-3 py-2 text-sm text-danger", className)}>
      {message}
    </p>
  );
}
