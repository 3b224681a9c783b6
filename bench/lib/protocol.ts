/** The IPC between a benchmark (parent) and its server process (server-child.ts). */

export type ServerRequest =
  | { id: number; cmd: "clock" }
  /** Starts a measured window: CPU, write syscalls, memory (after a GC), counters. */
  | { id: number; cmd: "begin" }
  /** Publishes at `rate` msg/s for `durationMs`; answers once the last message is published. */
  | { id: number; cmd: "publish"; topic: string; rate: number; durationMs: number; padBytes: number }
  /** Ends the measured window and answers with what it cost. */
  | { id: number; cmd: "end" }
  /** What the server holds for one user's connections right now. */
  | { id: number; cmd: "held"; userId: string }
  | { id: number; cmd: "stop" };

export interface PhaseCost {
  wallMs: number;
  userMs: number;
  systemMs: number;
  /** write/writev system calls of the server process (Linux /proc/self/io syscw). */
  writeSyscalls?: number;
  /** Data messages handed to sockets (the server's switchback_messages_delivered_total). */
  delivered: number;
  resynced: number;
  memBefore: { rss: number; heapUsed: number };
  memAfter: { rss: number; heapUsed: number };
  /** Sampled every 100 ms. */
  peakRss: number;
  peakHeap: number;
}

export interface Held {
  connections: number;
  queuedBytes: number;
  bufferedAmount: number;
  rss: number;
  heapUsed: number;
  /** The server's resync counter (all connections). */
  resynced: number;
}

export type ServerReply = { id: number; error?: string; now?: number; published?: number; cost?: PhaseCost; held?: Held };

export interface ServerReady {
  ready: true;
  wsUrl: string;
  origin: string;
  batching: boolean;
  budget: number;
}
