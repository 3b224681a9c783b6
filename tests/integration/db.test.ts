import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createUser, findUserByEmail, getRealtimeSettings, listUsersWithSettings } from "@/lib/db/queries";
import { userSettings } from "@/lib/db/schema";
import { DRIVERS, useTestDatabase } from "../helpers/db";

/** The database's own message, wherever drizzle put it in the error chain. */
function errorChainText(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    const x = e as { message?: string; constraint?: string; constraint_name?: string };
    parts.push(x.message ?? "", x.constraint ?? "", x.constraint_name ?? "");
  }
  return parts.join(" | ");
}

async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return errorChainText(err);
  }
  throw new Error("expected the database to refuse this write");
}

describe.each(DRIVERS)("database on %s", (driver) => {
  const testDb = useTestDatabase(driver);
  const db = () => testDb().database.db;

  it("opens the requested driver", () => {
    expect(testDb().database.driver).toBe(driver);
  });

  it("applies the migrations: every table exists", async () => {
    const rows = await db().execute<{ table_name: string }>(
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    const tables = (Array.isArray(rows) ? rows : (rows as { rows: Array<{ table_name: string }> }).rows).map((r) => r.table_name);
    expect(tables).toEqual(expect.arrayContaining(["api_keys", "audit_log", "user_settings", "users"]));
  });

  it("creates a user with default realtime settings and a lower-cased email", async () => {
    const user = await createUser({ email: "  Mixed.Case@Example.COM ", name: "Case", passwordHash: "x", role: "user" });
    expect(user.email).toBe("mixed.case@example.com");
    expect((await findUserByEmail("MIXED.case@example.com"))?.id).toBe(user.id);
    expect(await getRealtimeSettings(user.id)).toEqual({ mode: "auto", pollingIntervalMs: 5000, locked: false });
    const listed = await listUsersWithSettings();
    const mine = listed.find((u) => u.id === user.id);
    expect(mine?.settings.mode).toBe("auto");
    expect(mine).not.toHaveProperty("passwordHash");
  });

  it("refuses a second user with the same email", async () => {
    await createUser({ email: "twice@example.com", name: "One", passwordHash: "x", role: "user" });
    const message = await rejection(createUser({ email: "TWICE@example.com", name: "Two", passwordHash: "x", role: "user" }));
    expect(message).toMatch(/users_email_unique|duplicate key/);
  });

  it("enforces polling_interval_ms between 3000 and 30000 in the database itself", async () => {
    const user = await createUser({ email: "interval@example.com", name: "Interval", passwordHash: "x", role: "user" });
    const setInterval = (ms: number) =>
      db().update(userSettings).set({ pollingIntervalMs: ms }).where(eq(userSettings.userId, user.id));

    for (const bad of [2999, 30001]) {
      expect(await rejection(setInterval(bad))).toMatch(/polling_interval_ms_range/);
    }
    for (const good of [3000, 30000]) {
      await setInterval(good);
      expect((await getRealtimeSettings(user.id)).pollingIntervalMs).toBe(good);
    }
  });

  it("refuses a realtime mode outside the enum", async () => {
    const user = await createUser({ email: "mode@example.com", name: "Mode", passwordHash: "x", role: "user" });
    const message = await rejection(
      db().execute(sql`update user_settings set realtime_mode = 'carrier-pigeon' where user_id = ${user.id}`),
    );
    expect(message).toMatch(/invalid input value for enum realtime_mode/);
  });
});
