import os from "node:os";
import { checkHealth } from "../lib/health";
import { every, type Loop } from "../lib/producers/loop";
import { clientEvents } from "../lib/realtime/client-events";
import { hub } from "../lib/realtime/instance";
import { liveConnections } from "../lib/realtime/live-connections";
import { OpsSampler } from "../lib/realtime/ops-sampler";
import { websocketStats } from "./ws/stats";

/** Every 5 s, kept for 15 minutes: the admin operations view's series (admin.realtime). */
export const OPS_SAMPLE_MS = 5_000;
export const OPS_KEEP_SAMPLES = (15 * 60_000) / OPS_SAMPLE_MS;

/** Starts sampling this process's realtime layer; independent of PRODUCERS. */
export function startOpsSampler(): Loop {
  const sampler = new OpsSampler({
    hub: hub(),
    websocket: websocketStats,
    live: liveConnections(),
    clientEvents: clientEvents().events,
    health: checkHealth,
    instance: `${os.hostname()}#${process.pid}`,
    intervalMs: OPS_SAMPLE_MS,
    keep: OPS_KEEP_SAMPLES,
  });
  return every("ops sampler", OPS_SAMPLE_MS, () => sampler.tick(), { immediate: true });
}
