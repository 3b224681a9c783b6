import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { WebSocketServer, type WebSocket } from "ws";
import type { SessionUser } from "../../lib/auth/session-user";
import type { UpgradeAuth } from "../../lib/auth/upgrade-auth";
import type { AppConfig } from "../../lib/config";
import type { Hub } from "../../lib/realtime/hub";
import { CloseCode, type RealtimeSettingsPayload } from "../../lib/realtime/protocol";
import { Connection, type ConnectionInfo, type ConnectionLimits } from "./connection";
import { Heartbeat } from "./heartbeat";
import { credentialKind, originAllowed } from "./origin";
import { ConnectionRegistry } from "./registry";

export interface WebSocketLimits extends ConnectionLimits {
  maxFrameBytes: number;
  maxConnectionsPerUser: number;
  /** permessage-deflate: off, or on for messages of at least `threshold` bytes. */
  deflate: false | { threshold: number; concurrencyLimit: number };
}

export function limitsFromConfig(c: AppConfig): WebSocketLimits {
  return {
    heartbeatMs: c.WS_HEARTBEAT_MS,
    maxSubscriptions: c.WS_MAX_SUBSCRIPTIONS,
    maxFrameBytes: c.WS_MAX_FRAME_BYTES,
    maxConnectionsPerUser: c.WS_MAX_CONNECTIONS_PER_USER,
    inboundRate: c.WS_INBOUND_RATE,
    inboundBurst: c.WS_INBOUND_BURST,
    abuseLimit: Math.max(10, Math.ceil(c.WS_INBOUND_BURST)),
    sendBufferBytes: c.WS_SEND_BUFFER_BYTES,
    deflate: c.WS_PERMESSAGE_DEFLATE ? { threshold: c.WS_DEFLATE_THRESHOLD_BYTES, concurrencyLimit: c.WS_DEFLATE_CONCURRENCY } : false,
  };
}

export interface EndpointOptions {
  hub: Hub;
  authenticate: (req: IncomingMessage) => Promise<UpgradeAuth>;
  settingsFor: (userId: string) => Promise<RealtimeSettingsPayload>;
  limits: WebSocketLimits;
  allowedOrigins: readonly string[];
  log: Logger;
}

export interface WebSocketStats {
  connections: number;
  users: Array<{ userId: string; connections: ConnectionInfo[] }>;
}

export interface WebSocketEndpoint {
  /** The `upgrade` handler for the endpoint's path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  stats(): WebSocketStats;
  connectionsOf(userId: string): ConnectionInfo[];
  /** Closes every socket with `code` (1001 on shutdown) and refuses new ones the same way. */
  closeAll(code?: number, reason?: string, graceMs?: number): Promise<void>;
}

/** A refused upgrade: the close code, and the error kind it counts as (none for shutdown). */
type Refusal = { code: number; reason: string; kind?: string };

/**
 * `GET /api/v1/ws`: completes every handshake (a browser cannot read the status of a refused
 * one), then closes with the contract's code when the Origin, the credentials, the account or
 * the per-user cap says no; otherwise hands the socket to a Connection.
 */
export function createWebSocketEndpoint(opts: EndpointOptions): WebSocketEndpoint {
  const { hub, limits, log } = opts;
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: limits.maxFrameBytes,
    perMessageDeflate: limits.deflate ? { threshold: limits.deflate.threshold, concurrencyLimit: limits.deflate.concurrencyLimit } : false,
  });
  const registry = new ConnectionRegistry<Connection>();
  const heartbeat = new Heartbeat(limits.heartbeatMs, () => hub.metrics.errors.inc({ kind: "heartbeat_timeout" }));
  let stopping: Refusal | undefined;

  const refuse = (ws: WebSocket, refusal: Refusal) => {
    if (refusal.kind) hub.metrics.errors.inc({ kind: refusal.kind });
    // Whatever the peer sends until the close completes is ignored; its errors (a frame too
    // big, a protocol violation) must not go unhandled.
    ws.on("error", () => {});
    ws.close(refusal.code, refusal.reason);
  };

  async function verdict(req: IncomingMessage): Promise<Refusal | { user: SessionUser }> {
    if (!originAllowed(req, opts.allowedOrigins, credentialKind(req))) {
      return { code: CloseCode.forbidden, reason: "origin not allowed", kind: "origin" };
    }
    const auth = await opts.authenticate(req);
    if (auth.ok) return { user: auth.user };
    return auth.reason === "disabled"
      ? { code: CloseCode.forbidden, reason: "account disabled", kind: "account_disabled" }
      : { code: CloseCode.unauthenticated, reason: "unauthenticated", kind: "unauthenticated" };
  }

  async function accept(ws: WebSocket, req: IncomingMessage, user: SessionUser) {
    if (registry.countFor(user.id) >= limits.maxConnectionsPerUser) {
      refuse(ws, { code: CloseCode.tooMany, reason: "too many connections", kind: "connection_cap" });
      return;
    }
    const connection = new Connection(
      ws,
      user,
      {
        hub,
        limits,
        log,
        onClosed: (c) => {
          registry.remove(c);
          heartbeat.untrack(ws);
        },
      },
      { remoteAddress: req.socket.remoteAddress, userAgent: req.headers["user-agent"]?.slice(0, 200) },
    );
    registry.add(connection);
    heartbeat.track(ws);
    let settings: RealtimeSettingsPayload;
    try {
      settings = await opts.settingsFor(user.id);
    } catch (err) {
      log.error({ err, userId: user.id }, "settings lookup failed; using defaults");
      settings = { mode: "auto", pollingIntervalMs: 5_000 };
    }
    connection.start(settings);
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Until ws owns the socket, nothing else listens for its errors.
    const onSocketError = () => socket.destroy();
    socket.on("error", onSocketError);
    const decided = stopping
      ? Promise.resolve(stopping)
      : verdict(req).catch((err: unknown): Refusal => {
          log.error({ err }, "websocket authentication failed");
          return { code: 1011, reason: "internal error", kind: "auth_error" };
        });
    void decided.then((result) => {
      wss.handleUpgrade(req, socket, head, (ws) => {
        socket.off("error", onSocketError);
        if ("code" in result) refuse(ws, result);
        else if (stopping) refuse(ws, stopping);
        else
          accept(ws, req, result.user).catch((err: unknown) => {
            log.error({ err }, "websocket accept failed");
            ws.terminate();
          });
      });
    });
  }

  function connectionsOf(userId: string): ConnectionInfo[] {
    return registry.forUser(userId).map((c) => c.info());
  }

  return {
    handleUpgrade,
    connectionsOf,
    stats: () => ({
      connections: registry.size,
      users: [...registry.users()].map(([userId, conns]) => ({ userId, connections: conns.map((c) => c.info()) })),
    }),
    async closeAll(code = CloseCode.goingAway, reason = "server going away", graceMs = 2_000) {
      stopping = { code, reason };
      heartbeat.stop();
      const open = [...registry.all()];
      for (const c of open) c.close(code, reason);
      const deadline = Date.now() + graceMs;
      while (registry.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      for (const c of registry.all()) c.terminate();
      // Not wss.close(): it would answer later upgrades 503, which a browser cannot read.
    },
  };
}
