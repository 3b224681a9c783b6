import crypto from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { openDatabase, type Database } from "@/lib/db/drizzle";
import { installTestConfig, makeTempDir } from "./env";

/**
 * Fresh databases for tests. PGlite (in a temporary folder) always; when DATABASE_URL is set,
 * also the real Postgres it points at, in a new uniquely named database that is dropped after.
 * Use `describe.each(DRIVERS)` with `useTestDatabase(driver)` so a suite runs on both.
 */
export type DriverName = "pglite" | "postgres";

export const DRIVERS: DriverName[] = process.env.DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];

export interface TestDatabase {
  database: Database;
  driver: DriverName;
  /** The URL of the fresh Postgres database (postgres driver only). */
  databaseUrl?: string;
  /** The PGlite folder (pglite driver only). */
  pgliteDir?: string;
  /** A scratch folder for this database's DATA_DIR (auth secret, etc.). */
  dataDir: string;
  dispose(): Promise<void>;
}

/**
 * Runs `fn` with a short-lived admin connection to the server in DATABASE_URL: to the database
 * it names, or to `postgres` when that database does not exist (yet).
 */
async function withAdminConnection<T>(serverUrl: string, fn: (sql: import("postgres").Sql) => Promise<T>): Promise<T> {
  const { default: postgres } = await import("postgres");
  const attempt = async (url: string) => {
    const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
    try {
      return await fn(sql);
    } finally {
      await sql.end({ timeout: 5 });
    }
  };
  try {
    return await attempt(serverUrl);
  } catch (err) {
    if ((err as { code?: string }).code !== "3D000") throw err; // invalid_catalog_name
    const maintenance = new URL(serverUrl);
    maintenance.pathname = "/postgres";
    return attempt(maintenance.toString());
  }
}

/** Creates an empty database `switchback_test_<random>` on the server DATABASE_URL names. */
export async function createPostgresDatabase(serverUrl = process.env.DATABASE_URL): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!serverUrl) throw new Error("createPostgresDatabase needs DATABASE_URL");
  const name = `switchback_test_${crypto.randomBytes(6).toString("hex")}`;
  await withAdminConnection(serverUrl, (sql) => sql.unsafe(`CREATE DATABASE "${name}"`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withAdminConnection(serverUrl, (sql) => sql.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/** Opens a fresh, migrated database on `driver` through the app's own `openDatabase`. */
export async function createTestDatabase(driver: DriverName): Promise<TestDatabase> {
  const tmp = makeTempDir();
  const dataDir = path.join(tmp.dir, "data");
  try {
    if (driver === "postgres") {
      const pg = await createPostgresDatabase();
      try {
        const database = await openDatabase({ databaseUrl: pg.url });
        return {
          database,
          driver,
          databaseUrl: pg.url,
          dataDir,
          dispose: async () => {
            try {
              await database.close();
            } finally {
              await pg.drop();
              tmp.remove();
            }
          },
        };
      } catch (err) {
        await pg.drop();
        throw err;
      }
    }
    const pgliteDir = path.join(dataDir, "pglite");
    const database = await openDatabase({ pgliteDir });
    return {
      database,
      driver,
      pgliteDir,
      dataDir,
      dispose: async () => {
        try {
          await database.close();
        } finally {
          tmp.remove();
        }
      },
    };
  } catch (err) {
    tmp.remove();
    throw err;
  }
}

type DbGlobals = typeof globalThis & { __switchbackDb?: Promise<Database> };

/**
 * Makes `database()` (and so every named query in lib/db/queries.ts) use `test`, and the
 * process configuration match it. Returns a function that undoes both.
 */
export function installTestDatabase(test: TestDatabase, env: Record<string, string | undefined> = {}): () => void {
  const g = globalThis as DbGlobals;
  installTestConfig({
    DATA_DIR: test.dataDir,
    ...(test.databaseUrl ? { DATABASE_URL: test.databaseUrl } : { PGLITE_DIR: test.pgliteDir }),
    ...env,
  });
  g.__switchbackDb = Promise.resolve(test.database);
  return () => {
    if (g.__switchbackDb) g.__switchbackDb = undefined;
  };
}

/**
 * For a describe block: a fresh database on `driver`, opened before its tests, installed as the
 * process database, and closed and deleted after. The getter is valid inside tests and hooks.
 */
export function useTestDatabase(driver: DriverName, env: Record<string, string | undefined> = {}): () => TestDatabase {
  let current: TestDatabase | undefined;
  let uninstall: (() => void) | undefined;
  beforeAll(async () => {
    current = await createTestDatabase(driver);
    uninstall = installTestDatabase(current, env);
  });
  afterAll(async () => {
    uninstall?.();
    await current?.dispose();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error("useTestDatabase: the database is only available inside tests and hooks");
    return current;
  };
}
