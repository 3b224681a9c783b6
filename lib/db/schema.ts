import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  check,
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

export type User = typeof users.$inferSelect;
export type UserSettings = typeof userSettings.$inferSelect;
export type AuditEntry = typeof auditLog.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
