import { EventEmitter } from "node:events";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * Owns the HTTP server's `upgrade` event. Next attaches its own upgrade listener (for HMR) to
 * whatever server it is given and ends sockets whose path matches an app route, which would
 * kill our WebSocket endpoint; so Next gets `nextUpgrades`, a decoy emitter, and sees only
 * the upgrades no route here claims. Unknown upgrades are never destroyed (that breaks HMR).
 */
export class UpgradeRouter {
  readonly nextUpgrades = new EventEmitter();
  private readonly routes = new Map<string, UpgradeHandler>();

  route(pathname: string, handler: UpgradeHandler): void {
    this.routes.set(pathname, handler);
  }

  handle = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const pathname = new URL(req.url ?? "/", "http://upgrade.invalid").pathname;
    const handler = this.routes.get(pathname);
    if (handler) handler(req, socket, head);
    else this.nextUpgrades.emit("upgrade", req, socket, head);
  };
}
