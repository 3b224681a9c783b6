import fs from "node:fs";
import path from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { config } from "../config";
import { log } from "../log";
import { acquirePgliteLock } from "./pglite-lock";
import * as schema from "./schema";

/** The drizzle handle, the same type whichever driver is underneath. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  driver: "pglite" | "postgres";
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl?: string;
  pgliteDir?: string;
}

// From the working directory, not import.meta.url: route bundles live inside .next.
const MIGRATIONS_FOLDER = path.join(process.cwd(), "drizzle");

/** Opens PGlite (no URL) or Postgres (URL) and applies the migrations. */
export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    const client = postgres(opts.databaseUrl, { max: 10, onnotice: () => {} });
    const db = drizzle(client, { schema });
    await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    return { db: db as unknown as Db, driver: "postgres", close: () => client.end({ timeout: 5 }) };
  }
  const dir = opts.pgliteDir;
  if (!dir) throw new Error("openDatabase needs databaseUrl or pgliteDir");
  // PGlite.create fails when the parent folder is missing.
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const release = acquirePgliteLock(`${dir}.lock`);
  try {
    const { PGlite } = await import("@electric-sql/pglite");
    const { drizzle } = await import("drizzle-orm/pglite");
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    const client = await PGlite.create(dir);
    const db = drizzle(client, { schema });
    await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    return {
      db: db as unknown as Db,
      driver: "pglite",
      close: async () => {
        await client.close();
        release();
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}

const g = globalThis as typeof globalThis & { __switchbackDb?: Promise<Database> };

/**
 * The process's one database, opened on first use. Kept on globalThis because the custom
 * server and each route bundle otherwise get their own copy of this module.
 */
export function database(): Promise<Database> {
  if (!g.__switchbackDb) {
    const c = config();
    const opening = openDatabase({ databaseUrl: c.DATABASE_URL, pgliteDir: c.pgliteDir });
    g.__switchbackDb = opening;
    opening.then(
      (d) => log().info({ driver: d.driver }, "database ready"),
      () => {
        // A failed open is retried by the next caller instead of being cached forever.
        if (g.__switchbackDb === opening) g.__switchbackDb = undefined;
      },
    );
  }
  return g.__switchbackDb;
}

export async function db(): Promise<Db> {
  return (await database()).db;
}

export async function closeDatabase(): Promise<void> {
  const opening = g.__switchbackDb;
  g.__switchbackDb = undefined;
  if (opening) await (await opening).close();
}

export async function pingDatabase(): Promise<void> {
  await (await db()).execute(sql`select 1`);
}
