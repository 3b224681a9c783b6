import type { Envelope } from "../../realtime/envelope";
import type { ErrorCode, RealtimeSettingsPayload } from "../../realtime/protocol";
import { PollingSchedule } from "./polling-schedule";
import { sinceToken, topicsUrl } from "./since-token";
import type { RealtimeTimings, TopicCursors, Transport, TransportEnd, TransportEvents } from "./transport";

interface BatchTopic {
  epoch: string;
  seq: number;
  recovered: boolean;
  messages: Envelope[];
  error?: { code: ErrorCode; message: string };
}

interface BatchResponse {
  since: string;
  serverTime: number;
  topics: Record<string, BatchTopic>;
  settings?: RealtimeSettingsPayload;
}

export interface PollingDeps {
  fetch: typeof fetch;
  hidden: () => boolean;
  /** Polled instead of the batch while no topic is open, so settings changes still arrive. */
  settingsPath: string;
}

function retryAfterMs(res: Response): number | undefined {
  const s = Number(res.headers.get("Retry-After"));
  return Number.isFinite(s) && s > 0 ? s * 1000 : undefined;
}

/**
 * HTTP polling: one batch request per tick for every topic that is due, with the cursors of
 * those topics and If-None-Match, so an unchanged world costs a 304.
 */
export class PollingTransport implements Transport {
  readonly name = "polling" as const;
  private events?: TransportEvents;
  private topics: TopicCursors = new Map();
  private readonly schedule: PollingSchedule;
  private readonly etags = new Map<string, string>();
  private timer?: ReturnType<typeof setTimeout>;
  private inFlight?: AbortController;
  private readyOnce = false;
  private ended = false;

  constructor(
    private readonly path: string,
    pollingIntervalMs: number,
    timings: RealtimeTimings,
    private readonly deps: PollingDeps,
  ) {
    this.schedule = new PollingSchedule(pollingIntervalMs, timings);
  }

  open(topics: TopicCursors, events: TransportEvents): void {
    this.topics = topics;
    this.events = events;
    void this.tick();
  }

  setTopics(topics: TopicCursors): void {
    for (const t of this.topics.keys()) if (!topics.has(t)) this.schedule.forget(t);
    this.topics = topics;
    this.plan();
  }

  check(): void {
    this.schedule.dueAll();
    if (!this.inFlight) void this.tick();
  }

  close(): void {
    this.ended = true;
    clearTimeout(this.timer);
    this.inFlight?.abort();
  }

  private plan(): void {
    if (this.ended || this.inFlight) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), this.schedule.nextDelay(this.topics.keys(), Date.now()));
  }

  private async request(url: string, headers: Record<string, string>): Promise<Response | undefined> {
    const controller = new AbortController();
    this.inFlight = controller;
    const started = performance.now();
    try {
      const res = await this.deps.fetch(url, { headers, credentials: "same-origin", cache: "no-store", signal: controller.signal });
      if (!this.ended) this.events!.latency(performance.now() - started);
      return this.ended ? undefined : res;
    } catch {
      this.fail({ kind: "failed", reason: "The server could not be reached" });
      return undefined;
    } finally {
      this.inFlight = undefined;
    }
  }

  /** Nothing to poll: just follow the user's settings at the base interval. */
  private async pollSettings(): Promise<void> {
    const res = await this.request(this.deps.settingsPath, { Accept: "application/json" });
    if (!res) return;
    if (!res.ok) return this.fail(this.endForStatus(res));
    const body = (await res.json().catch(() => undefined)) as RealtimeSettingsPayload | undefined;
    const settings = body && { mode: body.mode, pollingIntervalMs: body.pollingIntervalMs };
    if (!this.readyOnce) this.markReady(settings);
    else if (settings) this.events!.settings(settings);
    this.plan();
  }

  private async tick(): Promise<void> {
    if (this.ended) return;
    if (this.topics.size === 0) return this.pollSettings();
    const due = this.schedule.due(this.topics.keys(), Date.now());
    if (due.length === 0) return this.plan();
    const url = topicsUrl(this.path, due, sinceToken(this.topics, due));
    const etagKey = due.join(",");
    const headers: Record<string, string> = { Accept: "application/json" };
    const etag = this.etags.get(etagKey);
    if (etag) headers["If-None-Match"] = etag;

    const res = await this.request(url, headers);
    if (!res) return;

    const changed = new Set<string>();
    if (res.status === 200) {
      const body = (await res.json().catch(() => undefined)) as BatchResponse | undefined;
      if (!body?.topics) return this.fail({ kind: "failed", reason: "The server sent an unreadable answer" });
      const tag = res.headers.get("ETag");
      if (tag) this.etags.set(etagKey, tag);
      if (!this.readyOnce) this.markReady(body.settings);
      else if (body.settings) this.events!.settings(body.settings);
      for (const [topic, t] of Object.entries(body.topics)) {
        if (t.error) {
          this.events!.topicError(topic, t.error.code, t.error.message);
          continue;
        }
        this.events!.subscribed(topic, { epoch: t.epoch, seq: t.seq, recovered: t.recovered });
        if (t.messages.length) changed.add(topic);
        for (const m of t.messages) this.events!.message(m);
      }
    } else if (res.status === 304) {
      this.markReady();
    } else {
      return this.fail(this.endForStatus(res));
    }
    this.schedule.polled(due, changed, Date.now(), this.deps.hidden());
    this.plan();
  }

  private endForStatus(res: Response): TransportEnd {
    if (res.status === 401) return { kind: "unauthenticated", reason: "Session expired" };
    if (res.status === 403) return { kind: "forbidden", reason: "This account may not read live data" };
    if (res.status === 429 || res.status === 503) return { kind: "server_busy", reason: `Server busy (${res.status})`, retryAfterMs: retryAfterMs(res) };
    return { kind: "failed", reason: `Polling failed (HTTP ${res.status})`, retryAfterMs: retryAfterMs(res) };
  }

  private markReady(settings?: RealtimeSettingsPayload): void {
    if (this.readyOnce) return;
    this.readyOnce = true;
    this.events!.ready({ settings });
  }

  private fail(how: TransportEnd): void {
    if (this.ended) return;
    this.close();
    this.events?.end(how);
  }
}
