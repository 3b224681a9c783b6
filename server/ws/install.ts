import { authenticateUpgrade } from "../../lib/auth/upgrade-auth";
import { config } from "../../lib/config";
import { getRealtimeSettings } from "../../lib/db/queries";
import { shutdownSignal } from "../../lib/lifecycle";
import { log } from "../../lib/log";
import { hub } from "../../lib/realtime/instance";
import { CloseCode } from "../../lib/realtime/protocol";
import type { UpgradeRouter } from "../upgrade-router";
import { createWebSocketEndpoint, limitsFromConfig, type WebSocketEndpoint } from "./endpoint";
import { registerWebSocketEndpoint } from "./stats";

export const WEBSOCKET_PATH = "/api/v1/ws";

/**
 * The production wiring: the process hub, session/token auth, settings from the database,
 * limits from the configuration; closes every socket with 1001 when shutdown begins.
 */
export function installWebSocketEndpoint(upgrades: UpgradeRouter): WebSocketEndpoint {
  const c = config();
  const endpoint = createWebSocketEndpoint({
    hub: hub(),
    authenticate: authenticateUpgrade,
    settingsFor: async (userId) => {
      const { mode, pollingIntervalMs } = await getRealtimeSettings(userId);
      return { mode, pollingIntervalMs };
    },
    limits: limitsFromConfig(c),
    allowedOrigins: c.allowedOrigins,
    log: log(),
  });
  upgrades.route(WEBSOCKET_PATH, endpoint.handleUpgrade);
  registerWebSocketEndpoint(endpoint);
  const signal = shutdownSignal();
  const onShutdown = () => void endpoint.closeAll(CloseCode.goingAway, "server going away");
  if (signal.aborted) onShutdown();
  else signal.addEventListener("abort", onShutdown, { once: true });
  return endpoint;
}
