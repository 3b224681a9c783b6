import type { TopicKind } from "../../lib/realtime/envelope";

/** What the queue needs of a socket (a `ws` WebSocket through an adapter, or a fake in tests). */
export interface OutboundSocket {
  /** Bytes accepted by send() but not yet handed to the kernel. */
  readonly bufferedAmount: number;
  /** Writes one text frame; `done` runs once it has been handed to the kernel, or failed. */
  send(frame: Buffer, done: (err?: Error) => void): void;
}

/** A message waiting for the socket. `ts` (publish time) is set for data messages only. */
export interface QueuedMessage {
  topic?: string;
  bytes: Buffer;
  ts?: number;
  /** Resumed history, not a live message: it says nothing about delivery latency. */
  replayed?: boolean;
}

export interface OutboundHooks {
  /** Messages just handed to the socket, in order. */
  written?(messages: readonly QueuedMessage[]): void;
  /** A queued state value was replaced by a newer one before it was sent. */
  coalesced?(topic: string): void;
  /** A stream topic fell too far behind: `resync` is queued after its queued messages, and it is stalled. */
  resynced?(topic: string): void;
  /** A message that cannot be dropped did not fit even the hard limit: the peer is not reading. */
  overflow?(): void;
  /** The socket refused a write. */
  failed?(err: Error): void;
}

export interface OutboundOptions {
  /** bufferedAmount + queued bytes above which stream subscribers are told to resync. */
  budgetBytes: number;
  /** The largest batch frame built at once (default: a quarter of the budget, at least 16 KiB). */
  maxBatchBytes?: number;
  /** Replies (pong, errors, subscribed…) are never dropped; past this the connection gives up. */
  hardLimitBytes?: number;
  /** Runs a flush after the current tick (default setImmediate); injectable for tests. */
  schedule?: (fn: () => void) => void;
  /**
   * false: every message is its own frame, handed to the socket at once (one write per client
   * per message), with the same budget, coalescing of state topics aside. Only for comparing in
   * bench/ws-fanout.ts; the default, true, groups what waits into one `batch` frame.
   */
  batching?: boolean;
}

const BATCH_OPEN = Buffer.from('{"type":"batch","messages":[');
const BATCH_SEP = Buffer.from(",");
const BATCH_CLOSE = Buffer.from("]}");

/** One `batch` frame from already serialized messages: byte concatenation, no re-serializing. */
export function batchFrame(messages: readonly QueuedMessage[]): Buffer {
  const parts: Buffer[] = [BATCH_OPEN];
  messages.forEach((m, i) => {
    if (i > 0) parts.push(BATCH_SEP);
    parts.push(m.bytes);
  });
  parts.push(BATCH_CLOSE);
  return Buffer.concat(parts);
}

/**
 * One connection's bounded send buffer. An idle socket gets a message written at once; what
 * arrives while a write is pending (or in the same tick) waits and goes out as ONE `batch`
 * frame when the socket is ready. Memory is bounded by watching `bufferedAmount` plus the
 * queued bytes: a state topic keeps only its latest queued value (coalescing); a stream topic
 * whose next message would overflow the budget gets a `resync` after what is already queued
 * and is stalled (its later messages are not queued) until the client subscribes again with
 * its cursor. Nothing is dropped without telling.
 */
export class OutboundQueue {
  private pending: QueuedMessage[] = [];
  private readonly pendingState = new Map<string, QueuedMessage>();
  private readonly stalled = new Set<string>();
  private queued = 0;
  private inflight = 0;
  private scheduled = false;
  private closed = false;
  private readonly maxBatchBytes: number;
  private readonly hardLimitBytes: number;
  private readonly schedule: (fn: () => void) => void;
  private readonly batching: boolean;

  constructor(
    private readonly socket: OutboundSocket,
    private readonly opts: OutboundOptions,
    private readonly hooks: OutboundHooks = {},
  ) {
    this.maxBatchBytes = opts.maxBatchBytes ?? Math.max(16 * 1024, Math.floor(opts.budgetBytes / 4));
    this.hardLimitBytes = opts.hardLimitBytes ?? opts.budgetBytes * 2;
    this.schedule = opts.schedule ?? ((fn) => void setImmediate(fn));
    this.batching = opts.batching ?? true;
  }

  /** Bytes waiting in this queue (not yet given to the socket). */
  get queuedBytes(): number {
    return this.queued;
  }

  get queuedCount(): number {
    return this.pending.length;
  }

  isStalled(topic: string): boolean {
    return this.stalled.has(topic);
  }

  /** A topic's message; `bytes` is the envelope's JSON, shared with every other connection. */
  sendData(topic: string, kind: TopicKind, bytes: Buffer, ts: number, replayed = false): void {
    if (this.closed) return;
    if (kind === "state") {
      const held = this.pendingState.get(topic);
      if (held) {
        this.queued += bytes.length - held.bytes.length;
        held.bytes = bytes;
        held.ts = ts;
        held.replayed = replayed;
        this.hooks.coalesced?.(topic);
        return;
      }
      const message = { topic, bytes, ts, replayed };
      if (this.push(message)) this.pendingState.set(topic, message);
      return;
    }
    // Stalled: the client was told to resync and will resume from its cursor.
    if (this.stalled.has(topic)) return;
    if (!this.idle() && this.used() + bytes.length > this.opts.budgetBytes) {
      this.resync(topic);
      return;
    }
    this.push({ topic, bytes, ts, replayed });
  }

  /** A reply or notice (welcome, subscribed, error, pong, settings): never dropped. */
  sendControl(bytes: Buffer): void {
    if (this.closed) return;
    if (!this.idle() && this.used() + bytes.length > this.hardLimitBytes) {
      this.hooks.overflow?.();
      return;
    }
    this.push({ bytes });
  }

  /** Forgets a topic's queued messages and stall (on unsubscribe, or before a re-subscribe). */
  resetTopic(topic: string): void {
    this.stalled.delete(topic);
    this.pendingState.delete(topic);
    this.removeQueued(topic);
  }

  /** Before a close: hands everything queued to the socket now, in one frame; later sends are ignored. */
  end(): void {
    if (this.closed) return;
    const rest = this.pending;
    this.close();
    if (rest.length > 0) this.write(rest);
  }

  /** Drops everything; later sends are ignored. */
  close(): void {
    this.closed = true;
    this.pending = [];
    this.pendingState.clear();
    this.stalled.clear();
    this.queued = 0;
  }

  private used(): number {
    return this.socket.bufferedAmount + this.queued;
  }

  private idle(): boolean {
    return this.inflight === 0 && this.pending.length === 0;
  }

  /**
   * What is already queued for the topic still goes out (it fits the budget, and it is what
   * lets a client that re-subscribes after a burst bigger than the budget make progress);
   * nothing after it does until the client subscribes again from its cursor.
   */
  private resync(topic: string): void {
    this.stalled.add(topic);
    this.hooks.resynced?.(topic);
    this.sendControl(Buffer.from(JSON.stringify({ type: "resync", topic, reason: "slow_consumer" })));
  }

  private removeQueued(topic: string): void {
    if (!this.pending.some((m) => m.topic === topic)) return;
    this.pending = this.pending.filter((m) => {
      if (m.topic !== topic) return true;
      this.queued -= m.bytes.length;
      return false;
    });
  }

  /** Writes at once when idle (always, without batching), else queues and schedules a flush; true when it was queued. */
  private push(message: QueuedMessage): boolean {
    if (!this.batching || this.idle()) {
      this.write([message]);
      return false;
    }
    this.pending.push(message);
    this.queued += message.bytes.length;
    this.scheduleFlush();
    return true;
  }

  /** After this tick, so that what arrives in the same tick goes out together. */
  private scheduleFlush(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    // A write in flight calls back when the socket has taken it; then the next batch goes.
    if (this.closed || this.inflight > 0 || this.pending.length === 0) return;
    let take = 0;
    let bytes = 0;
    while (take < this.pending.length && (take === 0 || bytes + this.pending[take]!.bytes.length <= this.maxBatchBytes)) {
      bytes += this.pending[take]!.bytes.length;
      take++;
    }
    const batch = take === this.pending.length ? this.pending : this.pending.slice(0, take);
    this.pending = take === this.pending.length ? [] : this.pending.slice(take);
    this.queued -= bytes;
    for (const m of batch) if (m.topic !== undefined && this.pendingState.get(m.topic) === m) this.pendingState.delete(m.topic);
    this.write(batch);
  }

  private write(messages: QueuedMessage[]): void {
    const frame = messages.length === 1 ? messages[0]!.bytes : batchFrame(messages);
    this.inflight++;
    let settled = false;
    const done = (err?: Error) => {
      if (settled) return;
      settled = true;
      this.inflight--;
      if (err) this.hooks.failed?.(err);
      // The socket took it: send what gathered meanwhile, as fast as the socket accepts.
      else this.flush();
    };
    try {
      this.socket.send(frame, done);
    } catch (err) {
      done(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    this.hooks.written?.(messages);
  }
}
