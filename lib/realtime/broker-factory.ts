import { Redis } from "ioredis";
import type { AppConfig } from "../config";
import { log } from "../log";
import type { Broker } from "./broker";
import { MemoryBroker } from "./memory-broker";
import { RedisBroker } from "./redis-broker";

/** Memory for one instance; Redis (REDIS_URL) so several instances share topics and history. */
export function createBroker(c: AppConfig): Broker {
  const limits = { maxCount: c.REALTIME_HISTORY_MAX, maxAgeMs: c.REALTIME_HISTORY_MAX_AGE_MS };
  if (!c.REDIS_URL) return new MemoryBroker(limits);
  // Commands fail fast while Redis is down (callers answer `unavailable`) instead of queueing.
  const client = new Redis(c.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  const subscriber = new Redis(c.REDIS_URL, { maxRetriesPerRequest: null });
  for (const [name, conn] of [["commands", client], ["pubsub", subscriber]] as const) {
    conn.on("error", (err: Error) => log().warn({ err: err.message, connection: name }, "redis error"));
  }
  return new RedisBroker({ client, subscriber, prefix: c.REDIS_PREFIX, limits });
}
