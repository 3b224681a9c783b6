import { cn } from "../ui/cn";

export interface ChartSeries {
  name: string;
  /** A CSS colour, e.g. var(--color-accent). */
  color: string;
  /** [x, y] in increasing x. */
  points: Array<[number, number]>;
  /** Fill the area under the line. */
  area?: boolean;
}

const W = 600;

function extent(series: ChartSeries[], pick: 0 | 1): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series)
    for (const p of s.points) {
      lo = Math.min(lo, p[pick]);
      hi = Math.max(hi, p[pick]);
    }
  return [lo, hi];
}

function path(points: Array<[number, number]>, x: (v: number) => number, y: (v: number) => number): string {
  return points.map((p, i) => `${i ? "L" : "M"}${x(p[0]).toFixed(1)} ${y(p[1]).toFixed(1)}`).join("");
}

/**
 * A small time-series chart in SVG (no library): lines stretch to the width, labels stay
 * crisp in HTML. y starts at `yMin` (0 by default) so a flat line is not magnified into noise.
 */
export function LineChart({
  series,
  height = 140,
  yMin = 0,
  yMax,
  format = (n) => String(Math.round(n)),
  xLabel,
  className,
}: {
  series: ChartSeries[];
  height?: number;
  yMin?: number | "auto";
  yMax?: number;
  format?: (n: number) => string;
  xLabel?: [string, string];
  className?: string;
}) {
  const withData = series.filter((s) => s.points.length > 0);
  const [x0, x1] = extent(withData, 0);
  const [lo, hi] = extent(withData, 1);
  const bottom = yMin === "auto" ? lo - (hi - lo) * 0.1 : Math.min(yMin, lo);
  const top = Math.max(yMax ?? hi * 1.1, bottom + 1e-9, hi);
  const x = (v: number) => (x1 > x0 ? ((v - x0) / (x1 - x0)) * W : W);
  const y = (v: number) => height - ((v - bottom) / (top - bottom)) * (height - 4) - 2;

  return (
    <div className={cn("relative", className)}>
      <div className="mb-2 flex flex-wrap gap-x-4 gap-y-1 text-xs">
        {series.map((s) => (
          <span key={s.name} className="inline-flex items-center gap-1.5 text-ink-muted">
            <span className="h-0.5 w-3 rounded" style={{ background: s.color }} aria-hidden />
            {s.name}
            <span className="font-mono text-ink tabular-nums">{s.points.length ? format(s.points.at(-1)![1]) : "—"}</span>
          </span>
        ))}
      </div>
      <div className="relative">
        <svg viewBox={`0 0 ${W} ${height}`} preserveAspectRatio="none" className="block w-full" style={{ height }} role="img" aria-label={series.map((s) => s.name).join(", ")}>
          {[0.25, 0.5, 0.75].map((f) => (
            <line key={f} x1={0} x2={W} y1={height * f} y2={height * f} stroke="var(--color-line)" strokeDasharray="3 4" vectorEffect="non-scaling-stroke" />
          ))}
          {withData.map((s) => (
            <g key={s.name}>
              {s.area && s.points.length > 1 ? (
                <path
                  d={`${path(s.points, x, y)}L${x(s.points.at(-1)![0]).toFixed(1)} ${height}L${x(s.points[0]![0]).toFixed(1)} ${height}Z`}
                  fill={s.color}
                  opacity={0.12}
                />
              ) : null}
              <path d={path(s.points, x, y)} fill="none" stroke={s.color} strokeWidth={1.75} vectorEffect="non-scaling-stroke" strokeLinejoin="round" />
            </g>
          ))}
        </svg>
        <span className="pointer-events-none absolute left-1 top-0 font-mono text-[10px] text-ink-muted">{withData.length ? format(top) : ""}</span>
        <span className="pointer-events-none absolute bottom-0 left-1 font-mono text-[10px] text-ink-muted">{withData.length ? format(bottom) : ""}</span>
      </div>
      {xLabel ? (
        <div className="mt-1 flex justify-between text-[10px] text-ink-muted" suppressHydrationWarning>
          <span>{xLabel[0]}</span>
          <span>{xLabel[1]}</span>
        </div>
      ) : null}
    </div>
  );
}

/** A tiny trend line, green when it ends above where it started, red below. */
export function Sparkline({ values, height = 32, className }: { values: number[]; height?: number; className?: string }) {
  if (values.length < 2) return <div className={className} style={{ height }} />;
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = hi - lo || 1;
  const pts = values.map((v, i) => `${((i / (values.length - 1)) * 100).toFixed(2)},${(height - 2 - ((v - lo) / span) * (height - 4)).toFixed(2)}`);
  const color = values.at(-1)! >= values[0]! ? "var(--color-live)" : "var(--color-danger)";
  return (
    <svg viewBox={`0 0 100 ${height}`} preserveAspectRatio="none" className={cn("block w-full", className)} style={{ height }} aria-hidden>
      <polyline points={pts.join(" ")} fill="none" stroke={color} strokeWidth={1.5} vectorEffect="non-scaling-stroke" strokeLinejoin="round" />
    </svg>
  );
}
