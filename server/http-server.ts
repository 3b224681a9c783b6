import http from "node:http";
import type { AddressInfo } from "node:net";
import next from "next";
import { config } from "../lib/config";
import { log } from "../lib/log";
import { UpgradeRouter } from "./upgrade-router";

export interface RunningServer {
  server: http.Server;
  upgrades: UpgradeRouter;
  url: string;
}

/**
 * The one HTTP server: Next for pages and route handlers, and an upgrade router where the
 * WebSocket endpoint attaches. Listens first (so PORT=0 works) and answers 503 until Next is
 * ready.
 */
export async function startHttpServer(opts: { dev: boolean }): Promise<RunningServer> {
  const c = config();
  const upgrades = new UpgradeRouter();
  let handle: ((req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>) | undefined;

  const server = http.createServer((req, res) => {
    if (!handle) {
      res.writeHead(503, { "content-type": "application/json", "retry-after": "1" });
      res.end(JSON.stringify({ error: { code: "unavailable", message: "Starting up." } }));
      return;
    }
    // Only a trusted proxy may say who the client is; otherwise a client could pick its own
    // address and dodge per-address limits (sign-in throttling).
    if (!c.TRUST_PROXY) req.headers["x-forwarded-for"] = req.socket.remoteAddress ?? "unknown";
    handle(req, res).catch((err: unknown) => {
      log().error({ err }, "request failed");
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "internal", message: "Internal error." } }));
    });
  });
  server.on("upgrade", upgrades.handle);

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(c.PORT, c.HOST, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const app = next({
    dev: opts.dev,
    hostname: c.HOST,
    port,
    dir: process.cwd(),
    // The decoy: see UpgradeRouter.
    httpServer: upgrades.nextUpgrades as unknown as http.Server,
  });
  await app.prepare();
  const nextHandle = app.getRequestHandler();
  handle = (req, res) => nextHandle(req, res);

  const shownHost = c.HOST === "0.0.0.0" || c.HOST === "::" ? "localhost" : c.HOST;
  return { server, upgrades, url: `http://${shownHost}:${port}` };
}
