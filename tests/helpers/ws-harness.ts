import http from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import type { SessionUser } from "@/lib/auth/session-user";
import type { UpgradeAuth } from "@/lib/auth/upgrade-auth";
import { parseCookieHeader, sessionTokenFromCookies } from "@/lib/auth/upgrade-auth";
import { Hub } from "@/lib/realtime/hub";
import { MemoryBroker } from "@/lib/realtime/memory-broker";
import { RealtimeMetrics } from "@/lib/realtime/metrics";
import type { RealtimeSettingsPayload } from "@/lib/realtime/protocol";
import { TopicRegistry } from "@/lib/realtime/topics";
import { createWebSocketEndpoint, type WebSocketEndpoint, type WebSocketLimits } from "@/server/ws/endpoint";
import { UpgradeRouter } from "@/server/upgrade-router";
import { connect, type ConnectOptions, type WsTestClient } from "./ws-client";

/**
 * The WebSocket endpoint in this process, on a real http.Server on an ephemeral port, with a hub
 * the test can publish to and an authenticate function backed by a table of tokens
 * ("token-<userId>"), so tests drive it with real `ws` clients without a database.
 */
export const DEFAULT_TEST_LIMITS: WebSocketLimits = {
  heartbeatMs: 25_000,
  maxSubscriptions: 100,
  maxFrameBytes: 16 * 1024,
  maxConnectionsPerUser: 20,
  inboundRate: 1_000,
  inboundBurst: 1_000,
  abuseLimit: 1_000,
  sendBufferBytes: 1024 * 1024,
  deflate: false,
};

export interface WsHarness {
  url: string;
  /** ws://…/api/v1/ws */
  wsUrl: string;
  origin: string;
  hub: Hub;
  metrics: RealtimeMetrics;
  endpoint: WebSocketEndpoint;
  users: Map<string, SessionUser & { disabled?: boolean }>;
  settings: Map<string, RealtimeSettingsPayload>;
  /** Opens a client as `userId` with ?access_token= (and the server's own Origin). */
  connectAs(userId: string, opts?: ConnectOptions & { via?: "token" | "cookie" }): Promise<WsTestClient>;
  close(): Promise<void>;
}

export async function startWsHarness(limits: Partial<WebSocketLimits> = {}, allowedOrigins: string[] = []): Promise<WsHarness> {
  const metrics = new RealtimeMetrics();
  const hub = new Hub(new MemoryBroker({ maxCount: 1_000, maxAgeMs: 10 * 60_000 }), new TopicRegistry(), metrics, { recentLimit: 100 });
  const users = new Map<string, SessionUser & { disabled?: boolean }>();
  for (const [id, role] of [
    ["alice", "user"],
    ["bob", "user"],
    ["root", "admin"],
  ] as const) {
    users.set(id, { id, email: `${id}@example.com`, name: id, role });
  }
  const settings = new Map<string, RealtimeSettingsPayload>();

  const authenticate = async (req: http.IncomingMessage): Promise<UpgradeAuth> => {
    const url = new URL(req.url ?? "/", "http://x");
    const token = url.searchParams.get("access_token") ?? sessionTokenFromCookies(parseCookieHeader(req.headers.cookie));
    const user = token?.startsWith("token-") ? users.get(token.slice("token-".length)) : undefined;
    if (!user) return { ok: false, reason: "unauthenticated" };
    if (user.disabled) return { ok: false, reason: "disabled" };
    const { disabled: _disabled, ...sessionUser } = user;
    return { ok: true, user: sessionUser };
  };

  const endpoint = createWebSocketEndpoint({
    hub,
    authenticate,
    settingsFor: async (userId) => settings.get(userId) ?? { mode: "auto", pollingIntervalMs: 5_000 },
    limits: { ...DEFAULT_TEST_LIMITS, ...limits },
    allowedOrigins,
    log: pino({ level: "silent" }),
  });
  const router = new UpgradeRouter();
  router.route("/api/v1/ws", endpoint.handleUpgrade);
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  server.on("upgrade", router.handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const wsUrl = `ws://127.0.0.1:${port}/api/v1/ws`;

  return {
    url: origin,
    wsUrl,
    origin,
    hub,
    metrics,
    endpoint,
    users,
    settings,
    connectAs: (userId, opts = {}) => {
      const token = `token-${userId}`;
      if (opts.via === "cookie") {
        return connect(wsUrl, { origin, ...opts, headers: { cookie: `next-auth.session-token=${token}`, ...opts.headers } });
      }
      return connect(`${wsUrl}?access_token=${token}`, { origin, ...opts });
    },
    close: async () => {
      await endpoint.closeAll(1001, "test over", 500);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await hub.close();
    },
  };
}
