import type { Role } from "../db/schema";
import type { TopicKind } from "./envelope";
import { TOPIC_NAME } from "./protocol";

/**
 * The topic registry: which names exist, their kind, who may read and who may publish.
 * A topic a caller may not see is refused with `forbidden`, never silently empty.
 */

export interface Principal {
  /** A user id, or the id of the owner of an API key. */
  userId: string;
  role: Role;
  /** True for API keys: they may publish but read nothing. */
  apiKey?: boolean;
}

export type ReadRule = "everyone" | "admin" | "owner";

export interface TopicRule {
  /** Matches the whole topic name; a capture group, if any, is the parameter (symbol, task id). */
  pattern: RegExp;
  kind: TopicKind;
  read: ReadRule;
  /** Topics the server's own producers feed are not publishable through the API. */
  externalPublish: boolean;
  description: string;
}

export const TOPIC_RULES: TopicRule[] = [
  { pattern: /^monitoring$/, kind: "state", read: "everyone", externalPublish: false, description: "process and host figures" },
  { pattern: /^system_status$/, kind: "state", read: "everyone", externalPublish: true, description: "service status" },
  { pattern: /^strategies$/, kind: "state", read: "everyone", externalPublish: false, description: "strategy states" },
  { pattern: /^capacity$/, kind: "state", read: "everyone", externalPublish: false, description: "connection headroom" },
  // Signals are records in Postgres (ids for GET /api/v1/signals?last_id=): only the strategy
  // engine, which stores them first, publishes them.
  { pattern: /^signals$/, kind: "stream", read: "everyone", externalPublish: false, description: "trading signals" },
  { pattern: /^market\.([A-Za-z0-9][A-Za-z0-9_.-]{0,31})$/, kind: "stream", read: "everyone", externalPublish: true, description: "ticks" },
  { pattern: /^chart\.([A-Za-z0-9][A-Za-z0-9_.-]{0,31})$/, kind: "stream", read: "everyone", externalPublish: true, description: "candles" },
  { pattern: /^backtest\.([A-Za-z0-9_-]{1,64})$/, kind: "stream", read: "owner", externalPublish: false, description: "backtest progress" },
  { pattern: /^notifications$/, kind: "stream", read: "owner", externalPublish: false, description: "the caller's notifications" },
  { pattern: /^admin\.[a-z0-9_]+$/, kind: "state", read: "admin", externalPublish: false, description: "operations figures" },
  // Any other system may feed its own namespace: ext.<name> streams, readable by all users.
  { pattern: /^ext\.[a-z0-9_]+(?:[.-][A-Za-z0-9_]+)*$/, kind: "stream", read: "everyone", externalPublish: true, description: "external feeds" },
];

export interface ResolvedTopic {
  /** The name clients use and envelopes carry. */
  name: string;
  /**
   * Where history lives. Equal to `name` except for per-user topics: `notifications` is the
   * caller's own, kept under `user.<id>.notifications`.
   */
  key: string;
  kind: TopicKind;
  rule: TopicRule;
}

export type TopicDecision = { ok: true; topic: ResolvedTopic } | { ok: false; code: "unknown_topic" | "forbidden"; message: string };

/** Owners of owner-read topics other than notifications (e.g. backtest.<id> → its user). */
export type OwnerLookup = (topic: string) => Promise<string | undefined>;

export class TopicRegistry {
  constructor(private readonly ownerOf: OwnerLookup = async () => undefined) {}

  find(name: string): TopicRule | undefined {
    if (!TOPIC_NAME.test(name) || name.length > 128) return undefined;
    return TOPIC_RULES.find((r) => r.pattern.test(name));
  }

  /** The history key of a topic published for a user (notifications). */
  userKey(name: string, userId: string): string {
    return `user.${userId}.${name}`;
  }

  async authorizeRead(name: string, who: Principal): Promise<TopicDecision> {
    const rule = this.find(name);
    if (!rule) return { ok: false, code: "unknown_topic", message: `No topic named ${name}.` };
    const forbidden = { ok: false as const, code: "forbidden" as const, message: `You may not read ${name}.` };
    if (who.apiKey) return forbidden;
    const topic = (key: string): TopicDecision => ({ ok: true, topic: { name, key, kind: rule.kind, rule } });
    switch (rule.read) {
      case "everyone":
        return topic(name);
      case "admin":
        return who.role === "admin" ? topic(name) : forbidden;
      case "owner":
        if (name === "notifications") return topic(this.userKey(name, who.userId));
        if (who.role === "admin" || (await this.ownerOf(name)) === who.userId) return topic(name);
        return forbidden;
    }
  }

  /** Publishing through the API: admins and API keys, to externally publishable topics. */
  authorizePublish(name: string, who: Principal): TopicDecision {
    const rule = this.find(name);
    if (!rule) return { ok: false, code: "unknown_topic", message: `No topic named ${name}.` };
    if (!rule.externalPublish) return { ok: false, code: "forbidden", message: `${name} is fed by the server itself.` };
    if (!who.apiKey && who.role !== "admin") return { ok: false, code: "forbidden", message: "Publishing needs an API key or an admin." };
    return { ok: true, topic: { name, key: name, kind: rule.kind, rule } };
  }
}

/** A topic's kind by name alone (browser side: state topics keep one value, streams a list). */
export function topicKind(name: string): TopicKind | undefined {
  return TOPIC_RULES.find((r) => r.pattern.test(name))?.kind;
}
