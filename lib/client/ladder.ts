import type { Envelope } from "../realtime/envelope";
import type { RealtimeSettingsPayload } from "../realtime/protocol";
import { fullJitter, spread } from "./backoff";
import type { CursorBook } from "./cursor-book";
import type { LadderEnv } from "./ladder-env";
import type { RealtimeTimings, Transport, TransportEnd, TransportEvents, TransportName } from "./transports/transport";

export type LinkState = "connecting" | "live" | "reconnecting" | "offline" | "failed" | "signed_out" | "stopped";

export interface Transition {
  at: number;
  state: LinkState;
  transport: TransportName | null;
  reason: string;
}

export interface LinkStatus {
  state: LinkState;
  transport: TransportName | null;
  settings: RealtimeSettingsPayload;
  /** Why the link is in this state or on this rung, in words a user can read. */
  reason: string;
  /** Why we are below WebSocket, while we are. */
  fallbackReason?: string;
  latencyMs?: number;
  probing: boolean;
  history: Transition[];
}

export type LadderNotice =
  | { type: "fallback"; from: TransportName; to: TransportName; reason: string }
  | { type: "gap"; topic: string }
  | { type: "message"; envelope: Envelope };

const RUNGS: TransportName[] = ["websocket", "sse", "polling"];
const HISTORY_LIMIT = 20;

/**
 * The state machine that picks a transport and switches: down the ladder when a rung fails
 * (WebSocket → SSE → polling), up again when a background probe finds a better rung working,
 * and never on the user's forced mode. It treats every transport alike except when choosing
 * the next rung.
 */
export class Ladder {
  private current?: Transport;
  private rung: TransportName;
  private probe?: { transport: Transport; rung: TransportName; queue: TransportName[] };
  private failures = 0;
  private everReady = false;
  private readyAt?: number;
  private authRetried = false;
  private retryTimer?: unknown;
  private probeTimer?: unknown;
  private probeDelayMs: number;
  private snapshot: LinkStatus;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly env: LadderEnv,
    private readonly cursors: CursorBook,
    private readonly notify: (notice: LadderNotice) => void,
    settings: RealtimeSettingsPayload,
    private readonly timings: RealtimeTimings,
  ) {
    this.rung = this.startingRung(settings);
    this.probeDelayMs = timings.probeIntervalMs;
    this.snapshot = { state: "connecting", transport: null, settings, reason: "Starting", probing: false, history: [] };
  }

  // ── public surface ────────────────────────────────────────────────────────────

  get status(): LinkStatus {
    return this.snapshot;
  }

  onStatus(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (!this.env.online()) return this.waitForNetwork();
    this.connect(this.rung, "Starting");
  }

  stop(): void {
    this.clearTimers();
    this.closeProbe();
    this.current?.close();
    this.current = undefined;
    this.setState("stopped", null, "Stopped");
  }

  /** The set of topics (the cursor book) changed. */
  topicsChanged(): void {
    this.current?.setTopics(this.cursors.view);
    this.probe?.transport.setTopics(this.cursors.view);
  }

  /** A settings change, from the server (any transport) or from the settings page. */
  applySettings(next: RealtimeSettingsPayload): void {
    const prev = this.snapshot.settings;
    if (prev.mode === next.mode && prev.pollingIntervalMs === next.pollingIntervalMs) return;
    this.update({ settings: next });
    if (prev.mode !== next.mode) {
      const target = next.mode === "auto" ? "websocket" : next.mode;
      this.switchTo(target, `Realtime mode changed to ${next.mode}`);
    } else if (this.rung === "polling" && this.current) {
      this.connect("polling", `Polling interval changed to ${Math.round(next.pollingIntervalMs / 1000)} s`);
    }
  }

  /** "Retry WebSocket": probe now (auto) or reconnect now (forced WebSocket). */
  retryWebSocket(): void {
    const { mode } = this.snapshot.settings;
    if (mode === "auto" && this.rung !== "websocket") {
      this.closeProbe();
      this.clearProbeTimer();
      this.probeDelayMs = this.timings.probeIntervalMs;
      this.runProbe(["websocket"]);
    } else if ((mode === "auto" || mode === "websocket") && this.snapshot.state !== "live") {
      this.failures = 0;
      this.connect("websocket", "Retrying WebSocket");
    }
  }

  /** The page became visible, was restored, resumed, or the network returned. */
  wake(why: string): void {
    const { state } = this.snapshot;
    if (state === "stopped" || state === "signed_out") return;
    if (!this.current || state === "offline" || state === "reconnecting" || state === "failed") {
      // Waiting out a backoff is pointless once the page is back: try now, without penalty.
      this.connect(this.rung, `Reconnecting: ${why}`);
    } else {
      this.current.check();
    }
  }

  // ── connecting and reacting ──────────────────────────────────────────────────

  private connect(rung: TransportName, reason: string): void {
    this.clearRetry();
    this.current?.close();
    this.rung = rung;
    this.readyAt = undefined;
    const transport = this.env.createTransport(rung, this.snapshot.settings);
    this.current = transport;
    this.setState(this.everReady || this.failures > 0 ? "reconnecting" : "connecting", rung, reason);
    transport.open(this.cursors.view, this.eventsFor(transport));
  }

  /** Moves to another rung as a fresh start there (mode change, fallback). */
  private switchTo(rung: TransportName, reason: string): void {
    this.closeProbe();
    this.clearProbeTimer();
    this.failures = 0;
    this.everReady = false;
    this.connect(rung, reason);
  }

  private fallBack(to: TransportName, reason: string): void {
    const from = this.rung;
    this.update({ fallbackReason: reason });
    this.notify({ type: "fallback", from, to, reason });
    this.switchTo(to, reason);
  }

  private eventsFor(transport: Transport): TransportEvents {
    const live = () => transport === this.current || transport === this.probe?.transport;
    return {
      ready: (info) => {
        if (!live()) return;
        if (info.settings) this.applySettings(info.settings);
        if (transport === this.probe?.transport) this.promoteProbe();
        else if (transport === this.current) this.becameReady();
      },
      subscribed: (topic, state) => {
        if (live() && this.cursors.subscribed(topic, state)) this.notify({ type: "gap", topic });
      },
      message: (envelope) => {
        if (live() && this.cursors.accept(envelope)) this.notify({ type: "message", envelope });
      },
      topicError: () => {
        // Per-topic refusals are the subscriber's business (useTopic shows them), not the link's.
      },
      settings: (settings) => {
        if (live()) this.applySettings(settings);
      },
      latency: (ms) => {
        if (transport === this.current) this.update({ latencyMs: Math.round(ms) });
      },
      end: (how) => {
        if (transport === this.probe?.transport) this.probeFailed();
        else if (transport === this.current) this.ended(how);
      },
    };
  }

  private becameReady(): void {
    this.readyAt = this.env.now();
    this.everReady = true;
    this.authRetried = false;
    const auto = this.snapshot.settings.mode === "auto";
    if (auto) this.env.saveRung(this.rung, this.env.now());
    if (this.rung === "websocket") this.update({ fallbackReason: undefined });
    this.setState("live", this.rung, this.rung === "websocket" ? "Connected" : (this.snapshot.fallbackReason ?? "Connected"));
    if (auto && this.rung !== "websocket") this.scheduleProbe();
  }

  private ended(how: TransportEnd): void {
    this.current = undefined;
    switch (how.kind) {
      case "unauthenticated":
        return void this.sessionLost();
      case "forbidden":
        this.clearTimers();
        this.closeProbe();
        return this.setState("failed", null, how.reason);
      case "mode_changed":
        return this.connect(this.startingRung(this.snapshot.settings), how.reason);
      case "server_busy":
        return this.retryAfter(how.retryAfterMs ?? fullJitter(2, this.timings.reconnectBaseMs, this.timings.reconnectMaxMs, this.env.random), "reconnecting", how.reason);
      case "failed":
        return void this.failed(how);
    }
  }

  private async failed(how: Extract<TransportEnd, { kind: "failed" }>): Promise<void> {
    if (!this.env.online()) return this.waitForNetwork();
    if (how.immediate) return this.connect(this.rung, how.reason);
    // EventSource cannot show a 401: before blaming the network, ask whether we're signed in.
    if (this.rung === "sse" && this.readyAt === undefined && !(await this.env.refreshSession())) return this.sessionLost();
    const stable = this.readyAt !== undefined && this.env.now() - this.readyAt >= this.timings.stableAfterMs;
    if (stable) this.failures = 0;
    this.failures++;

    const auto = this.snapshot.settings.mode === "auto";
    const next = RUNGS[RUNGS.indexOf(this.rung) + 1];
    if (auto && next && this.rungExhausted(how)) return this.fallBack(next, how.reason);

    const t = this.timings;
    let delay =
      this.rung === "websocket" && !this.everReady
        ? spread(t.wsRetryDelayMs, this.env.random)
        : fullJitter(this.failures - 1, t.reconnectBaseMs, t.reconnectMaxMs, this.env.random);
    if (how.retryAfterMs) delay = Math.max(delay, how.retryAfterMs);
    // The last rung failing again and again, or a forced mode failing: say so plainly.
    const hopeless = this.failures >= 3 && (!auto || !next);
    const state: LinkState = hopeless ? (this.rung === "polling" && auto ? "offline" : "failed") : "reconnecting";
    this.retryAfter(delay, state, how.reason);
  }

  private rungExhausted(how: Extract<TransportEnd, { kind: "failed" }>): boolean {
    if (how.fallNow) return true;
    if (this.rung === "websocket") return this.failures >= this.timings.wsAttemptsBeforeFallback;
    if (this.rung === "sse") return this.failures >= this.timings.sseFailuresBeforeFallback;
    return false;
  }

  /** Offline: wake("online") resumes at once; a slow retry covers a browser that never says so. */
  private waitForNetwork(): void {
    this.retryAfter(this.timings.reconnectMaxMs, "offline", "This device is offline");
  }

  private retryAfter(delayMs: number, state: LinkState, reason: string): void {
    this.setState(state, this.rung, reason);
    this.clearRetry();
    this.retryTimer = this.env.setTimeout(() => {
      this.retryTimer = undefined;
      this.connect(this.rung, reason);
    }, delayMs);
  }

  /** 4401 or a failed SSE with no session: refresh once and reconnect, else go to sign-in. */
  private async sessionLost(): Promise<void> {
    if (!this.authRetried && (await this.env.refreshSession())) {
      this.authRetried = true;
      return this.connect(this.rung, "Session refreshed");
    }
    this.clearTimers();
    this.closeProbe();
    this.current?.close();
    this.current = undefined;
    this.setState("signed_out", null, "Your session has ended");
    this.env.signedOut();
  }

  // ── probing upward ───────────────────────────────────────────────────────────

  private scheduleProbe(): void {
    if (this.probe || this.probeTimer !== undefined) return;
    this.probeTimer = this.env.setTimeout(() => {
      this.probeTimer = undefined;
      this.runProbe(RUNGS.slice(0, RUNGS.indexOf(this.rung)));
    }, this.probeDelayMs);
  }

  private runProbe(queue: TransportName[]): void {
    const [rung, ...rest] = queue;
    if (!rung || this.snapshot.settings.mode !== "auto" || !this.current) return;
    const transport = this.env.createTransport(rung, this.snapshot.settings);
    this.probe = { transport, rung, queue: rest };
    this.update({ probing: true });
    transport.open(this.cursors.view, this.eventsFor(transport));
  }

  /** The probe works: it already subscribed with our cursors, so switch and drop the old link. */
  private promoteProbe(): void {
    const probe = this.probe!;
    this.probe = undefined;
    const old = this.current;
    this.current = probe.transport;
    old?.close();
    this.rung = probe.rung;
    this.failures = 0;
    this.probeDelayMs = this.timings.probeIntervalMs;
    this.update({ probing: false });
    this.becameReady();
  }

  private probeFailed(): void {
    const probe = this.probe!;
    this.probe = undefined;
    probe.transport.close();
    this.update({ probing: false });
    if (probe.queue.length) return this.runProbe(probe.queue);
    this.probeDelayMs = Math.min(this.probeDelayMs * 2, this.timings.probeMaxIntervalMs);
    if (this.snapshot.state === "live") this.scheduleProbe();
  }

  private closeProbe(): void {
    if (!this.probe) return;
    this.probe.transport.close();
    this.probe = undefined;
    this.update({ probing: false });
  }

  // ── bookkeeping ──────────────────────────────────────────────────────────────

  private startingRung(settings: RealtimeSettingsPayload): TransportName {
    if (settings.mode !== "auto") return settings.mode;
    const remembered = this.env.loadRung();
    return remembered && this.env.now() - remembered.at < this.timings.rememberRungMs ? remembered.rung : "websocket";
  }

  private clearRetry(): void {
    if (this.retryTimer !== undefined) this.env.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private clearProbeTimer(): void {
    if (this.probeTimer !== undefined) this.env.clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
  }

  private clearTimers(): void {
    this.clearRetry();
    this.clearProbeTimer();
  }

  private setState(state: LinkState, transport: TransportName | null, reason: string): void {
    const entry: Transition = { at: this.env.now(), state, transport, reason };
    this.update({ state, transport, reason, history: [...this.snapshot.history, entry].slice(-HISTORY_LIMIT) });
  }

  private update(patch: Partial<LinkStatus>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const listener of this.listeners) listener();
  }
}
