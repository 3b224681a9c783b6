import type { RealtimeSettingsPayload } from "../realtime/protocol";
import type { LadderEnv } from "./ladder-env";
import { PollingTransport } from "./transports/polling";
import { SseTransport } from "./transports/sse";
import type { RealtimeTimings, Transport, TransportName } from "./transports/transport";
import { WebSocketTransport } from "./transports/websocket";

const RUNG_KEY = "switchback.realtime.rung";

export const ENDPOINTS = { websocket: "/api/v1/ws", sse: "/api/v1/sse", polling: "/api/v1/realtime/batch" } as const;

function wsUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === "https:" ? "wss" : "ws"}://${host}${ENDPOINTS.websocket}`;
}

/** The ladder's environment in a real browser. */
export function browserEnv(timings: RealtimeTimings): LadderEnv {
  return {
    createTransport(name: TransportName, settings: RealtimeSettingsPayload): Transport {
      switch (name) {
        case "websocket":
          return new WebSocketTransport(wsUrl(), timings);
        case "sse":
          return new SseTransport(ENDPOINTS.sse, timings);
        case "polling":
          return new PollingTransport(ENDPOINTS.polling, settings.pollingIntervalMs, timings, {
            fetch: (...args) => window.fetch(...args),
            hidden: () => document.visibilityState === "hidden",
            settingsPath: "/api/v1/me/settings",
          });
      }
    },
    now: () => Date.now(),
    random: () => Math.random(),
    setTimeout: (fn, ms) => window.setTimeout(fn, ms),
    clearTimeout: (h) => window.clearTimeout(h as number),
    online: () => navigator.onLine !== false,
    loadRung() {
      try {
        const v = JSON.parse(localStorage.getItem(RUNG_KEY) ?? "null") as { rung: TransportName; at: number } | null;
        return v && ["websocket", "sse", "polling"].includes(v.rung) && typeof v.at === "number" ? v : undefined;
      } catch {
        return undefined;
      }
    },
    saveRung(rung, at) {
      try {
        localStorage.setItem(RUNG_KEY, JSON.stringify({ rung, at }));
      } catch {
        // Private mode or full storage: we just start at the top next time.
      }
    },
    async refreshSession() {
      try {
        // next-auth's session endpoint re-issues the cookie while the session is valid.
        const res = await fetch("/api/auth/session", { cache: "no-store", credentials: "same-origin" });
        const body = (await res.json()) as { user?: unknown };
        return res.ok && !!body?.user;
      } catch {
        // Can't tell (offline): don't sign anyone out for a network failure.
        return true;
      }
    },
    signedOut() {
      const back = `${window.location.pathname}${window.location.search}`;
      window.location.assign(`/signin?callbackUrl=${encodeURIComponent(back)}`);
    },
  };
}

/** Feeds the page lifecycle (visibility, bfcache, freeze/resume, network) to `wake`. */
export function watchPageLifecycle(wake: (why: string) => void): () => void {
  const onVisible = () => document.visibilityState === "visible" && wake("tab visible");
  const onPageShow = (e: PageTransitionEvent) => e.persisted && wake("page restored");
  const onResume = () => wake("page resumed");
  const onOnline = () => wake("network back");
  // A live link may not notice the network is gone for minutes: check it now.
  const onOffline = () => wake("network lost");
  document.addEventListener("visibilitychange", onVisible);
  window.addEventListener("pageshow", onPageShow);
  document.addEventListener("resume", onResume);
  window.addEventListener("online", onOnline);
  window.addEventListener("offline", onOffline);
  return () => {
    document.removeEventListener("visibilitychange", onVisible);
    window.removeEventListener("pageshow", onPageShow);
    document.removeEventListener("resume", onResume);
    window.removeEventListener("online", onOnline);
    window.removeEventListener("offline", onOffline);
  };
}
