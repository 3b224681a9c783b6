/**
 * A token bucket: `rate` tokens a second, holding at most `burst`. Used for the WebSocket
 * inbound limit and the publish API's per-key limit.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.updatedAt = now();
  }

  /** Takes `n` tokens if available; otherwise takes none and returns false. */
  take(n = 1): boolean {
    this.refill();
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }

  /** Seconds until `n` tokens will be available (0 when they are now). */
  secondsUntil(n = 1): number {
    this.refill();
    return n <= this.tokens ? 0 : (Math.min(n, this.burst) - this.tokens) / this.rate;
  }

  private refill() {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.updatedAt) / 1000) * this.rate);
    this.updatedAt = t;
  }
}
