import { vi } from "vitest";
import { CursorBook } from "@/lib/client/cursor-book";
import { Ladder, type LadderNotice } from "@/lib/client/ladder";
import type { LadderEnv } from "@/lib/client/ladder-env";
import { DEFAULT_TIMINGS, type TopicCursors, type Transport, type TransportEvents, type TransportName } from "@/lib/client/transports/transport";
import type { RealtimeSettingsPayload } from "@/lib/realtime/protocol";

/** A transport the test drives by hand: it does nothing until told what happened. */
export class FakeTransport implements Transport {
  events!: TransportEvents;
  topics: TopicCursors = new Map();
  closed = false;
  checks = 0;
  constructor(readonly name: TransportName) {}
  open(topics: TopicCursors, events: TransportEvents) {
    this.topics = topics;
    this.events = events;
  }
  setTopics(topics: TopicCursors) {
    this.topics = topics;
  }
  check() {
    this.checks++;
  }
  close() {
    this.closed = true;
  }
}

export interface Harness {
  ladder: Ladder;
  cursors: CursorBook;
  created: FakeTransport[];
  notices: LadderNotice[];
  env: LadderEnv & { isOnline: boolean; sessionValid: boolean; signedOutCalls: number; stored?: { rung: TransportName; at: number } };
  /** The newest transport of a kind. */
  last(name?: TransportName): FakeTransport;
}

/** A ladder on vitest's fake timers; call vi.useFakeTimers() first. */
export function harness(settings: Partial<RealtimeSettingsPayload> = {}, stored?: { rung: TransportName; at: number }): Harness {
  const created: FakeTransport[] = [];
  const notices: LadderNotice[] = [];
  const env: Harness["env"] = {
    isOnline: true,
    sessionValid: true,
    signedOutCalls: 0,
    stored,
    createTransport: (name) => {
      const t = new FakeTransport(name);
      created.push(t);
      return t;
    },
    now: () => Date.now(),
    random: () => 0.5,
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    online: () => env.isOnline,
    loadRung: () => env.stored,
    saveRung: (rung, at) => {
      env.stored = { rung, at };
    },
    refreshSession: vi.fn(async () => env.sessionValid),
    signedOut: () => {
      env.signedOutCalls++;
    },
  };
  const cursors = new CursorBook();
  const ladder = new Ladder(env, cursors, (n) => notices.push(n), { mode: "auto", pollingIntervalMs: 5000, ...settings }, DEFAULT_TIMINGS);
  const last = (name?: TransportName) => {
    const list = name ? created.filter((t) => t.name === name) : created;
    const t = list[list.length - 1];
    if (!t) throw new Error(`no ${name ?? "transport"} created`);
    return t;
  };
  return { ladder, cursors, created, notices, env, last };
}
