/**
 * Who is connected over SSE and who polls, per user, for the admin console (WebSocket
 * connections have their own registry in server/ws/, read through websocketStats()).
 *
 * An SSE stream counts from open to close. Polling has no connection: a user counts as polling
 * while their polling transport (a batch read that carries a cursor; the first page-load read
 * does not) was seen within POLLING_WINDOW_MS, which covers the slowest schedule (60 s).
 *
 * On globalThis: the SSE route and the batch route are separate bundles, and the sampler and
 * the admin API read what they wrote.
 */
export const POLLING_WINDOW_MS = 90_000;

export interface UserLinks {
  sse: number;
  /** 1 while the user polled within the window (tabs are not told apart), else 0. */
  polling: number;
  lastPollAt?: number;
}

export class LiveConnections {
  private readonly sse = new Map<string, number>();
  private readonly polls = new Map<string, number>();
  /** SSE streams opened since the process started (for rates). */
  sseOpened = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** An SSE stream of `userId` opened; call the returned function (once) when it closes. */
  openSse(userId: string): () => void {
    this.sse.set(userId, (this.sse.get(userId) ?? 0) + 1);
    this.sseOpened++;
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      const n = (this.sse.get(userId) ?? 1) - 1;
      if (n > 0) this.sse.set(userId, n);
      else this.sse.delete(userId);
    };
  }

  /** The user's polling transport asked for a batch. */
  polled(userId: string): void {
    this.polls.set(userId, this.now());
  }

  of(userId: string): UserLinks {
    this.prune();
    const lastPollAt = this.polls.get(userId);
    return { sse: this.sse.get(userId) ?? 0, polling: lastPollAt === undefined ? 0 : 1, lastPollAt };
  }

  /** Users with an open SSE stream, and users polling now. */
  users(): { sse: Set<string>; polling: Set<string> } {
    this.prune();
    return { sse: new Set(this.sse.keys()), polling: new Set(this.polls.keys()) };
  }

  private prune() {
    const cutoff = this.now() - POLLING_WINDOW_MS;
    for (const [userId, at] of this.polls) if (at < cutoff) this.polls.delete(userId);
  }
}

const g = globalThis as typeof globalThis & { __switchbackLiveConnections?: LiveConnections };

export function liveConnections(): LiveConnections {
  return (g.__switchbackLiveConnections ??= new LiveConnections());
}
