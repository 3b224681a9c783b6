import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";

export const roleEnum = pgEnum("user_role", ["user", "admin"]);
export const realtimeModeEnum = pgEnum("realtime_mode", ["auto", "websocket", "sse", "polling"]);

export const ROLES = roleEnum.enumValues;
export const REALTIME_MODES = realtimeModeEnum.enumValues;
export type Role = (typeof ROLES)[number];
export type RealtimeMode = (typeof REALTIME_MODES)[number];

export const POLLING_INTERVAL_MIN_MS = 3_000;
export const POLLING_INTERVAL_MAX_MS = 30_000;
export const POLLING_INTERVAL_DEFAULT_MS = 5_000;

const timestamps = {
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
};

export const users = pgTable("users", {
  id: uuid("id").primaryKey().defaultRandom(),
  // Stored lower-cased by the queries, so the unique index is case-insensitive in practice.
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  passwordHash: text("password_hash").notNull(),
  role: roleEnum("role").notNull().default("user"),
  disabled: boolean("disabled").notNull().default(false),
  ...timestamps,
});

export const userSettings = pgTable(
  "user_settings",
  {
    userId: uuid("user_id")
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    realtimeMode: realtimeModeEnum("realtime_mode").notNull().default("auto"),
    pollingIntervalMs: integer("polling_interval_ms").notNull().default(POLLING_INTERVAL_DEFAULT_MS),
    locked: boolean("locked").notNull().default(false),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [
    check(
      "polling_interval_ms_range",
      sql`${t.pollingIntervalMs} BETWEEN ${sql.raw(String(POLLING_INTERVAL_MIN_MS))} AND ${sql.raw(String(POLLING_INTERVAL_MAX_MS))}`,
    ),
  ],
);

export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    actorId: uuid("actor_id").references(() => users.id, { onDelete: "set null" }),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id").notNull(),
    before: jsonb("before"),
    after: jsonb("after"),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("audit_log_at_idx").on(t.at), index("audit_log_target_idx").on(t.targetType, t.targetId)],
);

export const apiKeys = pgTable("api_keys", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  ownerId: uuid("owner_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  // A SHA-256 of the key: keys are long random strings, so a slow hash adds nothing.
  keyHash: text("key_hash").notNull().unique(),
  // The first characters of the key, shown in lists so owners can tell keys apart.
  prefix: text("prefix").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
  revokedAt: timestamp("revoked_at", { withTimezone: true }),
});

// ── Live data: signals, strategy controls, backtests, notifications ─────────────────────────

export const signalSideEnum = pgEnum("signal_side", ["buy", "sell"]);
export const strategyStatusEnum = pgEnum("strategy_status", ["running", "paused", "stopped"]);
export const backtestStatusEnum = pgEnum("backtest_status", ["pending", "running", "completed", "failed"]);
export const notificationPriorityEnum = pgEnum("notification_priority", ["low", "normal", "high"]);

export const SIGNAL_SIDES = signalSideEnum.enumValues;
export const STRATEGY_STATUSES = strategyStatusEnum.enumValues;
export const BACKTEST_STATUSES = backtestStatusEnum.enumValues;
export const NOTIFICATION_PRIORITIES = notificationPriorityEnum.enumValues;
export type SignalSide = (typeof SIGNAL_SIDES)[number];
export type StrategyStatus = (typeof STRATEGY_STATUSES)[number];
export type BacktestStatus = (typeof BACKTEST_STATUSES)[number];
export type NotificationPriority = (typeof NOTIFICATION_PRIORITIES)[number];

/** Trading signals; the id is the cursor of GET /api/v1/signals?last_id=. */
export const signals = pgTable(
  "signals",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    strategyId: text("strategy_id").notNull(),
    symbol: text("symbol").notNull(),
    side: signalSideEnum("side").notNull(),
    // Prices of a simulated market: a double is exact enough and reads back as a number.
    price: doublePrecision("price").notNull(),
    quantity: doublePrecision("quantity").notNull(),
    // The position the strategy holds after acting on this signal (negative: short).
    positionAfter: doublePrecision("position_after").notNull(),
    confidence: doublePrecision("confidence").notNull(),
    reason: text("reason").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("signals_created_at_idx").on(t.createdAt), index("signals_symbol_id_idx").on(t.symbol, t.id)],
);

/** The state an admin put a strategy in, kept across restarts (position and P&L are live only). */
export const strategyStates = pgTable("strategy_states", {
  id: text("id").primaryKey(),
  status: strategyStatusEnum("status").notNull().default("running"),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
});

export const backtests = pgTable(
  "backtests",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    strategy: text("strategy").notNull(),
    symbol: text("symbol").notNull(),
    params: jsonb("params").notNull(),
    status: backtestStatusEnum("status").notNull().default("pending"),
    progress: integer("progress").notNull().default(0),
    step: text("step"),
    result: jsonb("result"),
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    // The runner (one per server process) that owns the run; other instances leave the run
    // alone while that runner's lease lives, and fail it as interrupted once it is gone.
    runner: text("runner"),
  },
  (t) => [index("backtests_user_created_idx").on(t.userId, t.createdAt), check("backtests_progress_range", sql`${t.progress} BETWEEN 0 AND 100`)],
);

export const notifications = pgTable(
  "notifications",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    body: text("body").notNull().default(""),
    priority: notificationPriorityEnum("priority").notNull().default("normal"),
    // A path inside the app (e.g. /backtests?id=…) the notification leads to.
    link: text("link"),
    readAt: timestamp("read_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("notifications_user_id_idx").on(t.userId, t.id), index("notifications_created_at_idx").on(t.createdAt)],
);

export type User = typeof users.$inferSelect;
export type UserSettings = typeof userSettings.$inferSelect;
export type AuditEntry = typeof auditLog.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
export type SignalRow = typeof signals.$inferSelect;
export type StrategyStateRow = typeof strategyStates.$inferSelect;
export type BacktestRow = typeof backtests.$inferSelect;
export type NotificationRow = typeof notifications.$inferSelect;
