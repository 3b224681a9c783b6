import { z } from "zod";
import { TokenBucket } from "./token-bucket";

/**
 * What browsers report about their realtime link (POST /api/v1/realtime/client-events): a
 * fallback down the ladder, or an upgrade back up, with the reason. The server only sees the
 * attempts that reach it; a WebSocket blocked by a proxy is visible only here.
 *
 * Kept in memory in per-minute buckets for the last BUCKET_COUNT minutes, per process.
 */
const TRANSPORTS = ["websocket", "sse", "polling"] as const;

export const clientEventSchema = z
  .object({
    kind: z.enum(["fallback", "upgrade"], { error: "kind must be fallback or upgrade" }),
    from: z.enum(TRANSPORTS, { error: `from must be one of ${TRANSPORTS.join(", ")}` }),
    to: z.enum(TRANSPORTS, { error: `to must be one of ${TRANSPORTS.join(", ")}` }),
    reason: z.string().trim().max(300).default(""),
  })
  .strict();

export type ClientEvent = z.infer<typeof clientEventSchema>;

export const BUCKET_COUNT = 15;
const MINUTE = 60_000;
/** Distinct reasons kept per minute; the rest count as "other". */
const MAX_REASONS = 20;
const REASON_CHARS = 120;

interface Bucket {
  minute: number;
  fallbacks: number;
  upgrades: number;
  /** Fallbacks away from WebSocket: attempts that failed. */
  websocketFailures: number;
  reasons: Map<string, number>;
}

export interface MinuteSummary {
  /** Start of the minute, ms since the epoch. */
  at: number;
  fallbacks: number;
  upgrades: number;
  websocketFailures: number;
}

export interface ClientEventsSummary {
  minutes: MinuteSummary[];
  /** Fallback reasons over the whole window, most frequent first. */
  reasons: Array<{ reason: string; count: number }>;
}

export class ClientEvents {
  private readonly buckets: Bucket[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  record(event: ClientEvent): void {
    const bucket = this.current();
    if (event.kind === "upgrade") {
      bucket.upgrades++;
      return;
    }
    bucket.fallbacks++;
    if (event.from === "websocket") bucket.websocketFailures++;
    let reason = `${event.from} → ${event.to}: ${event.reason.slice(0, REASON_CHARS) || "no reason given"}`;
    if (!bucket.reasons.has(reason) && bucket.reasons.size >= MAX_REASONS) reason = "other";
    bucket.reasons.set(reason, (bucket.reasons.get(reason) ?? 0) + 1);
  }

  /** WebSocket failures reported since `sinceMs` (for the success rate). */
  websocketFailuresSince(sinceMs: number): number {
    return this.window()
      .filter((b) => b.minute + MINUTE > sinceMs)
      .reduce((n, b) => n + b.websocketFailures, 0);
  }

  /** Every minute of the window, oldest first, empty minutes included. */
  summary(): ClientEventsSummary {
    const nowMinute = Math.floor(this.now() / MINUTE) * MINUTE;
    const byMinute = new Map(this.window().map((b) => [b.minute, b]));
    const minutes: MinuteSummary[] = [];
    const reasons = new Map<string, number>();
    for (let i = BUCKET_COUNT - 1; i >= 0; i--) {
      const at = nowMinute - i * MINUTE;
      const b = byMinute.get(at);
      minutes.push({ at, fallbacks: b?.fallbacks ?? 0, upgrades: b?.upgrades ?? 0, websocketFailures: b?.websocketFailures ?? 0 });
      for (const [reason, n] of b?.reasons ?? []) reasons.set(reason, (reasons.get(reason) ?? 0) + n);
    }
    return {
      minutes,
      reasons: [...reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
    };
  }

  private window(): Bucket[] {
    const oldest = Math.floor(this.now() / MINUTE) * MINUTE - (BUCKET_COUNT - 1) * MINUTE;
    while (this.buckets.length && this.buckets[0]!.minute < oldest) this.buckets.shift();
    return this.buckets;
  }

  private current(): Bucket {
    const minute = Math.floor(this.now() / MINUTE) * MINUTE;
    const buckets = this.window();
    const last = buckets.at(-1);
    if (last?.minute === minute) return last;
    const bucket: Bucket = { minute, fallbacks: 0, upgrades: 0, websocketFailures: 0, reasons: new Map() };
    buckets.push(bucket);
    return bucket;
  }
}

/** Per-user limit on reports: a burst of 10, then one every 6 s. */
export class ClientEventLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly rate = 1 / 6,
    private readonly burst = 10,
    private readonly maxUsers = 10_000,
  ) {}

  /** 0 when the user may report now, else the seconds to wait. */
  take(userId: string): number {
    let bucket = this.buckets.get(userId);
    if (!bucket) {
      // Forget the oldest user rather than grow without bound.
      if (this.buckets.size >= this.maxUsers) this.buckets.delete(this.buckets.keys().next().value!);
      this.buckets.set(userId, (bucket = new TokenBucket(this.rate, this.burst)));
    }
    return bucket.take() ? 0 : bucket.secondsUntil();
  }
}

const g = globalThis as typeof globalThis & { __switchbackClientEvents?: { events: ClientEvents; limiter: ClientEventLimiter } };

export function clientEvents(): { events: ClientEvents; limiter: ClientEventLimiter } {
  return (g.__switchbackClientEvents ??= { events: new ClientEvents(), limiter: new ClientEventLimiter() });
}
