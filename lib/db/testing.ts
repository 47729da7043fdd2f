import "server-only";
import pg from "pg";
import { randomBytes } from "node:crypto";
import { openDatabase, type Database } from "./client";

export type TestDbKind = "pglite" | "postgres";

/** The database kind this test run targets (vitest projects set ROSTER_TEST_DB). */
export function testDbKind(): TestDbKind {
  return process.env.ROSTER_TEST_DB === "postgres" ? "postgres" : "pglite";
}

/**
 * A fresh, migrated database for one test file: in-memory PGlite, or a new database on the
 * server named by TEST_DATABASE_URL, dropped again by close().
 */
export async function createTestDatabase(kind: TestDbKind = testDbKind()): Promise<Database & { url?: string }> {
  if (kind === "pglite") return openDatabase({ kind: "pglite" });
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error("TEST_DATABASE_URL is not set");
  const name = `roster_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: "postgres", url: url.toString(), poolSize: 8 });
  return {
    ...database,
    url: url.toString(),
    close: async () => {
      await database.close();
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
