import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { PGLITE_SHARED_BUFFERS, queryRows, type Database } from "./client";
import { createTestDatabase } from "./testing";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

it("opens with pg_trgm and, embedded, a small buffer pool", async () => {
  const ext = await queryRows<{ extname: string }>(database.db, sql`select extname from pg_extension`);
  expect(ext.map((e) => e.extname)).toContain("pg_trgm");
  if (database.kind === "pglite") {
    const [row] = await queryRows<{ shared_buffers: string }>(database.db, sql`show shared_buffers`);
    expect(row?.shared_buffers).toBe(PGLITE_SHARED_BUFFERS);
  } else {
    const [row] = await queryRows<{ n: number }>(database.db, sql`select 1 as n`);
    expect(row?.n).toBe(1);
  }
});
