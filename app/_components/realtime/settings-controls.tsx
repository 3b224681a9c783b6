"use client";

import type { RealtimeMode } from "@/lib/db/schema";
import { MODE_DESCRIPTIONS, MODE_LABELS, MODE_ORDER } from "../realtime-mode";
import { cn } from "../ui/cn";

/** The realtime mode as a radio group, one line of explanation each (settings page, admin dialog). */
export function ModeRadioGroup({
  name,
  value,
  onChange,
  disabled,
  compact,
}: {
  name: string;
  value: RealtimeMode;
  onChange: (mode: RealtimeMode) => void;
  disabled?: boolean;
  compact?: boolean;
}) {
  return (
    <fieldset disabled={disabled} className="space-y-2">
      <legend className="mb-2 text-sm font-medium text-ink">Mode</legend>
      {MODE_ORDER.map((mode) => (
        <label
          key={mode}
          className={cn(
            "flex cursor-pointer items-start gap-3 rounded-lg border px-3 transition-colors",
            compact ? "py-2" : "py-3",
            value === mode ? "border-accent/60 bg-accent/5" : "border-line hover:bg-panel-raised",
            disabled && "cursor-not-allowed opacity-60",
          )}
        >
          <input
            type="radio"
            name={name}
            value={mode}
            checked={value === mode}
            onChange={() => onChange(mode)}
            className="mt-1 size-4 accent-[var(--color-accent)]"
          />
          <span>
            <span className="block text-sm font-medium text-ink">
              {MODE_LABELS[mode]}
              {mode === "auto" ? <span className="ml-2 text-xs font-normal text-live">recommended</span> : null}
            </span>
            <span className="block text-xs text-ink-muted">{MODE_DESCRIPTIONS[mode]}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

export const INTERVAL_MIN_S = 3;
export const INTERVAL_MAX_S = 30;

/** The polling interval, 3–30 s in whole seconds. */
export function IntervalSlider({ id, seconds, onChange, disabled }: { id: string; seconds: number; onChange: (s: number) => void; disabled?: boolean }) {
  return (
    <div>
      <label htmlFor={id} className="flex items-baseline justify-between text-sm font-medium text-ink">
        <span>Polling interval</span>
        <span className="font-mono text-ink-muted" aria-live="polite">
          every {seconds} s
        </span>
      </label>
      <input
        id={id}
        type="range"
        min={INTERVAL_MIN_S}
        max={INTERVAL_MAX_S}
        step={1}
        value={seconds}
        disabled={disabled}
        onChange={(e) => onChange(Number(e.target.value))}
        aria-valuetext={`${seconds} seconds`}
        className="mt-2 w-full accent-[var(--color-accent)] disabled:opacity-50"
      />
      <div className="flex justify-between text-[11px] text-ink-muted">
        <span>{INTERVAL_MIN_S} s</span>
        <span>{INTERVAL_MAX_S} s</span>
      </div>
    </div>
  );
}
