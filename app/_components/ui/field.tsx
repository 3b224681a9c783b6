import { forwardRef, type InputHTMLAttributes } from "react";
import { cn } from "./cn";

export interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
}

/** A labelled text input; the label is tied to the input for screen readers. */
export const Field = forwardRef<HTMLInputElement, FieldProps>(function Field({ label, id, className, ...props }, ref) {
  const inputId = id ?? props.name;
  return (
    <label htmlFor={inputId} className="block">
      <span className="mb-1.5 block text-sm font-medium text-ink">{label}</span>
      <input
        ref={ref}
        id={inputId}
        className={cn(
          "h-10 w-full rounded-md border border-line bg-canvas px-3 text-sm text-ink placeholder:text-ink-muted/60 focus:border-accent focus:outline-none",
          className,
        )}
        {...props}
      />
    </label>
  );
});
