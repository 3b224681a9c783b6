/**
 * A latency histogram of bounded size: logarithmic buckets 1% wide from 1 µs to about an hour,
 * so quantiles are within 1% however many samples, plus the exact maximum.
 */
const STEP = Math.log(1.01);
const BUCKETS = 2_400;

export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  count = 0;
  max = 0;

  /** Records a latency in milliseconds (negative clock noise counts as 0). */
  record(ms: number): void {
    const us = ms > 0 ? ms * 1000 : 0;
    const i = us < 1 ? 0 : Math.min(BUCKETS - 1, Math.floor(Math.log(us) / STEP) + 1);
    this.counts[i]!++;
    this.count++;
    if (ms > this.max) this.max = ms;
  }

  merge(other: LatencyHistogram): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i]! += other.counts[i]!;
    this.count += other.count;
    this.max = Math.max(this.max, other.max);
  }

  /** The q-quantile in ms (the upper edge of its bucket), NaN when empty. */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return i === 0 ? 0.001 : Math.min(this.max, Math.exp(i * STEP) / 1000);
    }
    return this.max;
  }
}

export type Cell = string | number | undefined;

/** Numbers with a sensible number of digits; undefined or NaN as "n/a". */
export function fmt(v: Cell, digits?: number): string {
  if (v === undefined || (typeof v === "number" && !Number.isFinite(v))) return "n/a";
  if (typeof v === "string") return v;
  if (digits !== undefined) return v.toFixed(digits);
  if (Number.isInteger(v)) return v.toLocaleString("en-US");
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString("en-US");
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toFixed(3);
}

export const mb = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);

/** A plain-text table: the first column left-aligned, the others right-aligned. */
export function table(title: string, head: string[], rows: Cell[][]): string {
  const cells = rows.map((r) => r.map((c) => fmt(c)));
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [`\n${title}`, line(head), rule, ...cells.map(line)].join("\n");
}

export function argOrEnv(name: string, env: string, fallback: string): string {
  const flag = process.argv.find((a) => a.startsWith(`--${name}=`));
  return flag?.slice(name.length + 3) ?? process.env[env] ?? fallback;
}

export const numberList = (s: string) =>
  s
    .split(",")
    .map((x) => Number(x.trim().replace(/_/g, "")))
    .filter((x) => Number.isFinite(x) && x > 0);

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
