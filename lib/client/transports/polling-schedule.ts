import type { RealtimeTimings } from "./transport";

/** How often each topic is polled, relative to the user's interval (5 s → 5, 5, 10, 30 s). */
const TOPIC_FACTORS: Record<string, number> = { monitoring: 1, strategies: 1, signals: 2, capacity: 6 };

/**
 * When each topic is next due. Slower while the tab is hidden and, topic by topic, while
 * nothing changes; back to the base interval as soon as a topic moves.
 */
export class PollingSchedule {
  private readonly idleFactor = new Map<string, number>();
  private readonly dueAt = new Map<string, number>();

  constructor(
    private readonly baseMs: number,
    private readonly timings: Pick<RealtimeTimings, "pollingMaxIntervalMs" | "pollingHiddenFactor" | "pollingIdleFactor">,
  ) {}

  intervalFor(topic: string, hidden: boolean): number {
    const factor = (TOPIC_FACTORS[topic] ?? 1) * (this.idleFactor.get(topic) ?? 1) * (hidden ? this.timings.pollingHiddenFactor : 1);
    return Math.min(this.timings.pollingMaxIntervalMs, Math.round(this.baseMs * factor));
  }

  /** Topics due at `now` (new topics are due at once). */
  due(topics: Iterable<string>, now: number): string[] {
    return [...topics].filter((t) => (this.dueAt.get(t) ?? 0) <= now);
  }

  /** After a poll: record which topics changed and when each is next due. */
  polled(topics: string[], changed: Set<string>, now: number, hidden: boolean): void {
    for (const topic of topics) {
      const idle = changed.has(topic) ? 1 : (this.idleFactor.get(topic) ?? 1) * this.timings.pollingIdleFactor;
      this.idleFactor.set(topic, idle);
      this.dueAt.set(topic, now + this.intervalFor(topic, hidden));
    }
  }

  /** Milliseconds until the next topic is due. */
  nextDelay(topics: Iterable<string>, now: number): number {
    let next = Infinity;
    for (const t of topics) next = Math.min(next, (this.dueAt.get(t) ?? now) - now);
    return Number.isFinite(next) ? Math.max(0, next) : this.baseMs;
  }

  /** Everything due now (tab visible again, network back). */
  dueAll(): void {
    this.dueAt.clear();
  }

  forget(topic: string): void {
    this.idleFactor.delete(topic);
    this.dueAt.delete(topic);
  }
}
