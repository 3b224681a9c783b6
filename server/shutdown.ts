import type http from "node:http";
import { beginShutdown } from "../lib/lifecycle";
import { log } from "../lib/log";

/**
 * SIGTERM/SIGINT: stop accepting, signal long-lived connections to close (WebSocket 1001,
 * SSE end), let in-flight requests finish, run the cleanups, and exit within the timeout.
 */
export function installGracefulShutdown(
  server: http.Server,
  opts: { timeoutMs: number; cleanups: Array<() => Promise<void>> },
): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log().info({ signal }, "shutting down");
    const hardStop = setTimeout(() => {
      log().warn("shutdown timed out; closing remaining connections");
      server.closeAllConnections();
      process.exit(1);
    }, opts.timeoutMs);
    hardStop.unref();

    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    beginShutdown();
    // Keep-alive sockets go idle as in-flight requests and ended streams finish: close each
    // as soon as it does, rather than waiting for its keep-alive timeout.
    server.closeIdleConnections();
    const reaper = setInterval(() => server.closeIdleConnections(), 100);
    await closed;
    clearInterval(reaper);
    for (const cleanup of opts.cleanups) {
      await cleanup().catch((err: unknown) => log().error({ err }, "cleanup failed"));
    }
    log().info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}
