import type { WebSocket } from "ws";

/**
 * Protocol-level pings for every open socket on one timer. A socket that has not answered the
 * previous ping by the next tick is dead (a vanished network, a frozen tab) and is terminated:
 * closing politely would wait for a peer that is gone.
 */
export class Heartbeat {
  private readonly alive = new Map<WebSocket, boolean>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    intervalMs: number,
    private readonly onDead: (ws: WebSocket) => void = () => {},
  ) {
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
  }

  track(ws: WebSocket): void {
    this.alive.set(ws, true);
    ws.on("pong", () => {
      if (this.alive.has(ws)) this.alive.set(ws, true);
    });
  }

  untrack(ws: WebSocket): void {
    this.alive.delete(ws);
  }

  stop(): void {
    clearInterval(this.timer);
    this.alive.clear();
  }

  private tick(): void {
    for (const [ws, alive] of this.alive) {
      if (!alive) {
        this.alive.delete(ws);
        this.onDead(ws);
        ws.terminate();
        continue;
      }
      this.alive.set(ws, false);
      try {
        ws.ping();
      } catch {
        // Not open any more: its close handler untracks it.
      }
    }
  }
}
