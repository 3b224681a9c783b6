import type { ConnectionInfo } from "./connection";
import type { WebSocketEndpoint, WebSocketStats } from "./endpoint";

/**
 * The process's WebSocket endpoint, on globalThis so a route handler (its own bundle, its own
 * copy of this module) reaches the same one: the admin pages list connections per user.
 */
const g = globalThis as typeof globalThis & { __switchbackWebSocket?: WebSocketEndpoint };

export function registerWebSocketEndpoint(endpoint: WebSocketEndpoint | undefined): void {
  g.__switchbackWebSocket = endpoint;
}

/** Open WebSocket connections grouped by user (empty when this process serves none). */
export function websocketStats(): WebSocketStats {
  return g.__switchbackWebSocket?.stats() ?? { connections: 0, users: [] };
}

export function websocketConnectionsOf(userId: string): ConnectionInfo[] {
  return g.__switchbackWebSocket?.connectionsOf(userId) ?? [];
}
