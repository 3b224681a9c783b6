/** Number formatting for the live panels: one place, so every page reads the same. */

const cache = new Map<string, Intl.NumberFormat>();
function nf(min: number, max: number, extra: Intl.NumberFormatOptions = {}) {
  const key = `${min}:${max}:${JSON.stringify(extra)}`;
  let f = cache.get(key);
  if (!f) cache.set(key, (f = new Intl.NumberFormat("en-US", { minimumFractionDigits: min, maximumFractionDigits: max, ...extra })));
  return f;
}

/** Decimals that suit a price's size: 96,012.3 · 228.41 · 0.0412. */
export function formatPrice(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  const abs = Math.abs(n);
  return abs >= 10_000 ? nf(1, 1).format(n) : abs >= 1 ? nf(2, 2).format(n) : nf(4, 4).format(n);
}

export function formatNumber(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  return nf(0, digits).format(n);
}

/** 1.2K, 3.4M: for volumes and counts in tight spaces. */
export function formatCompact(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  return nf(0, 1, { notation: "compact" }).format(n);
}

export function formatSigned(n: number, digits = 2): string {
  return `${n > 0 ? "+" : n < 0 ? "−" : ""}${nf(digits, digits).format(Math.abs(n))}`;
}

export function formatPercent(n: number | null | undefined, digits = 1, signed = false): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  return `${signed ? formatSigned(n, digits) : nf(digits, digits).format(n)}%`;
}

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${nf(0, v >= 100 || i === 0 ? 0 : 1).format(v)} ${units[i]}`;
}

/** 42 s · 3 min 5 s · 1 min · 2 h 10 min · 3 d 4 h. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const two = (big: number, bigUnit: string, small: number, smallUnit: string) => (small ? `${big} ${bigUnit} ${small} ${smallUnit}` : `${big} ${bigUnit}`);
  const m = Math.floor(s / 60);
  if (m < 60) return two(m, "min", s % 60, "s");
  const h = Math.floor(m / 60);
  if (h < 24) return two(h, "h", m % 60, "min");
  return two(Math.floor(h / 24), "d", h % 24, "h");
}

export function formatTime(t: number | string): string {
  return new Date(t).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

export function formatDateTime(t: number | string): string {
  return new Date(t).toLocaleString("en-GB", { day: "2-digit", month: "short", hour: "2-digit", minute: "2-digit" });
}

/** The colour class of a gain or a loss. */
export function toneOf(n: number | null | undefined): string {
  return !n ? "text-ink-muted" : n > 0 ? "text-live" : "text-danger";
}
