/** Exponential backoff with full jitter: a random delay in [0, min(max, base·2^attempt)]. */
export function fullJitter(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  return Math.round(random() * Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt)));
}

/** A fixed delay spread ±25%, so clients that failed together do not retry together. */
export function spread(delayMs: number, random: () => number): number {
  return Math.round(delayMs * (0.75 + random() * 0.5));
}
