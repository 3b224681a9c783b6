import type { Cursor, Envelope } from "../realtime/envelope";

/**
 * The last applied cursor per topic: the resume point handed to every transport, and the
 * dedupe rule of the contract (drop a message whose seq is not above the last applied one),
 * which is what makes switching transports free of duplicates.
 */
export class CursorBook {
  private readonly cursors = new Map<string, Cursor | undefined>();

  /** The live map transports read their `since` from. */
  get view(): ReadonlyMap<string, Cursor | undefined> {
    return this.cursors;
  }

  has(topic: string): boolean {
    return this.cursors.has(topic);
  }

  add(topic: string): void {
    if (!this.cursors.has(topic)) this.cursors.set(topic, undefined);
  }

  remove(topic: string): void {
    this.cursors.delete(topic);
  }

  topics(): string[] {
    return [...this.cursors.keys()];
  }

  /**
   * A transport (re)subscribed. Returns true when a gap may exist: we held a cursor and the
   * server could not recover from it. A new epoch restarts the count.
   */
  subscribed(topic: string, state: Cursor & { recovered: boolean }): boolean {
    if (!this.cursors.has(topic)) return false;
    const held = this.cursors.get(topic);
    if (!held || held.epoch !== state.epoch) this.cursors.set(topic, { epoch: state.epoch, seq: 0 });
    return !!held && !state.recovered;
  }

  /** True when the message is new and was recorded; false for a duplicate or unknown topic. */
  accept(envelope: Envelope): boolean {
    if (!this.cursors.has(envelope.topic)) return false;
    const held = this.cursors.get(envelope.topic);
    if (held && held.epoch === envelope.epoch && envelope.seq <= held.seq) return false;
    this.cursors.set(envelope.topic, { epoch: envelope.epoch, seq: envelope.seq });
    return true;
  }
}
