/**
 * Counts failed sign-ins per account and per address in a sliding window. Past the limit the
 * key is refused until the oldest failure ages out, whatever password is tried.
 */
export interface ThrottleOptions {
  windowMs: number;
  maxPerAccount: number;
  maxPerAddress: number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = { windowMs: 15 * 60_000, maxPerAccount: 5, maxPerAddress: 20 };

export class SignInThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly opts: ThrottleOptions = DEFAULT_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until this account/address may try again; 0 when allowed. */
  retryAfterMs(account: string, address: string): number {
    return Math.max(
      this.wait(`acct:${account}`, this.opts.maxPerAccount),
      this.wait(`addr:${address}`, this.opts.maxPerAddress),
    );
  }

  recordFailure(account: string, address: string): void {
    for (const key of [`acct:${account}`, `addr:${address}`]) {
      const list = this.recent(key);
      list.push(this.now());
      this.failures.set(key, list);
    }
  }

  recordSuccess(account: string): void {
    this.failures.delete(`acct:${account}`);
  }

  private wait(key: string, max: number): number {
    const list = this.recent(key);
    if (list.length < max) return 0;
    return list[list.length - max]! + this.opts.windowMs - this.now();
  }

  private recent(key: string): number[] {
    const since = this.now() - this.opts.windowMs;
    const list = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }
}

const g = globalThis as typeof globalThis & { __switchbackSignInThrottle?: SignInThrottle };

export function signInThrottle(): SignInThrottle {
  return (g.__switchbackSignInThrottle ??= new SignInThrottle());
}
