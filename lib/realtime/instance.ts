import { config } from "../config";
import { createBroker } from "./broker-factory";
import { Hub } from "./hub";
import { RealtimeMetrics } from "./metrics";
import { TopicRegistry, type OwnerLookup } from "./topics";

const g = globalThis as typeof globalThis & { __switchbackHub?: Hub; __switchbackTopicOwners?: OwnerLookup[] };

/**
 * The process's one hub. On globalThis because the custom server and every route bundle get
 * their own copy of this module; created lazily because route modules load during the build.
 */
export function hub(): Hub {
  return (g.__switchbackHub ??= createHub());
}

function createHub(): Hub {
  const owners: OwnerLookup = async (topic) => {
    for (const lookup of g.__switchbackTopicOwners ?? []) {
      const owner = await lookup(topic);
      if (owner) return owner;
    }
    return undefined;
  };
  const c = config();
  return new Hub(createBroker(c), new TopicRegistry(owners), new RealtimeMetrics(), { recentLimit: c.REALTIME_RECENT_LIMIT });
}

/** Lets a feature (backtests) say who owns its owner-read topics. */
export function registerTopicOwners(lookup: OwnerLookup): void {
  (g.__switchbackTopicOwners ??= []).push(lookup);
}
