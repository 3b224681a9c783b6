import { countUsersMatching, findUserById, getRealtimeSettings, listUsersWithSettings, type UserWithSettings } from "../db/queries";
import { liveConnections } from "../realtime/live-connections";
import type { TransportName } from "../realtime/metrics";
// The WebSocket endpoint's own registry, reached through globalThis (this process only).
import { websocketConnectionsOf } from "../../server/ws/stats";

/** A user's live links on this instance: WebSocket and SSE connections, and polling. */
export interface LiveLinks {
  connections: number;
  transports: TransportName[];
  byTransport: Record<TransportName, number>;
  lastPollAt: number | null;
}

export function liveLinksOf(userId: string): LiveLinks {
  const websocket = websocketConnectionsOf(userId).length;
  const { sse, polling, lastPollAt } = liveConnections().of(userId);
  const byTransport = { websocket, sse, polling };
  return {
    connections: websocket + sse + polling,
    transports: (Object.keys(byTransport) as TransportName[]).filter((t) => byTransport[t] > 0),
    byTransport,
    lastPollAt: lastPollAt ?? null,
  };
}

export type AdminUserView = UserWithSettings & { live: LiveLinks };

function withLiveLinks(users: UserWithSettings[]): AdminUserView[] {
  return users.map((u) => ({ ...u, live: liveLinksOf(u.id) }));
}

/** One page of the admin console's user list (GET /api/v1/admin/users and the page's first render). */
export async function listAdminUsers({ query, page, pageSize }: { query?: string; page: number; pageSize: number }) {
  const [users, total] = await Promise.all([listUsersWithSettings({ query, limit: pageSize, offset: (page - 1) * pageSize }), countUsersMatching(query)]);
  return { users: withLiveLinks(users), page, pageSize, total };
}

/** One user as the admin console shows them, or undefined when there is none. */
export async function adminUserView(userId: string): Promise<AdminUserView | undefined> {
  const user = await findUserById(userId);
  if (!user) return undefined;
  const { passwordHash: _hash, ...rest } = user;
  return { ...rest, settings: await getRealtimeSettings(userId), live: liveLinksOf(userId) };
}
