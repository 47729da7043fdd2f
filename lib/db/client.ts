import "server-only";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import type { SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import * as schema from "./schema";

/** A Drizzle database or transaction: both run the same queries. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  kind: "pglite" | "postgres";
  /** Where the data lives: a directory for PGlite, the server (without password) for Postgres. */
  location: string;
  close(): Promise<void>;
}

/** The embedded database's buffer pool (see bench/README.md for what it costs and saves). */
export const PGLITE_SHARED_BUFFERS = "16MB";

export const MIGRATIONS_FOLDER = path.join(process.cwd(), "lib", "db", "migrations");

export type DatabaseOptions =
  | { kind: "postgres"; url: string; poolSize?: number }
  | { kind: "pglite"; dataDir?: string /* omitted: in memory */ };

/** Opens a database and brings its schema up to date (drizzle-orm's migrator). */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.kind === "postgres") {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    // An idle client that loses its server (restart) must not crash the process.
    pool.on("error", (err) => console.error("[db] idle client error:", err.message));
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    await migratePg(db as never, { migrationsFolder: MIGRATIONS_FOLDER });
    const u = new URL(options.url);
    return {
      db,
      kind: "postgres",
      location: `${u.hostname}:${u.port || 5432}${u.pathname}`,
      close: () => pool.end(),
    };
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const client = await PGlite.create(options.dataDir ?? "memory://", {
    extensions: { pg_trgm },
    // PGlite's data files sit in the kernel's page cache anyway; Postgres's own 128 MB buffer
    // pool on top of it doubles the memory for little gain in one embedded process.
    postgresqlconf: [`shared_buffers = ${PGLITE_SHARED_BUFFERS}`],
  });
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  await migratePglite(db as never, { migrationsFolder: MIGRATIONS_FOLDER });
  return {
    db,
    kind: "pglite",
    location: options.dataDir ?? "memory",
    close: () => client.close(),
  };
}

/** The options the app runs with: DATABASE_URL for Postgres, else PGlite in ROSTER_DATA_DIR. */
export function databaseOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): DatabaseOptions {
  if (env.DATABASE_URL) {
    return {
      kind: "postgres",
      url: env.DATABASE_URL,
      poolSize: env.DATABASE_POOL_SIZE ? Number(env.DATABASE_POOL_SIZE) : undefined,
    };
  }
  return { kind: "pglite", dataDir: path.resolve(env.ROSTER_DATA_DIR || ".roster", "db") };
}

const globalForDb = globalThis as unknown as { __rosterDb?: Promise<Database> };

/** The app's one database (opened once per process, kept across dev reloads). */
export function getDatabase(): Promise<Database> {
  if (!globalForDb.__rosterDb) {
    globalForDb.__rosterDb = openDatabase(databaseOptionsFromEnv()).catch((err) => {
      globalForDb.__rosterDb = undefined;
      throw err;
    });
  }
  return globalForDb.__rosterDb;
}

/** Runs raw SQL and returns its rows (pg and PGlite both answer with `rows`). */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
