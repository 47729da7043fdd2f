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

it("gives what a substring search filters 500 histogram buckets (migrations 0005, 0006, 0008), the rest the default", async () => {
  const rows = await queryRows<{ rel: string; att: string; target: number | null }>(
    database.db,
    sql`select c.relname as rel, a.attname as att, a.attstattarget::int as target
        from pg_attribute a join pg_class c on c.oid = a.attrelid
        where (c.relname = 'users' and a.attname in ('email_key', 'email', 'name'))
           or (c.relname = 'users_search_text_trgm' and a.attnum = 1)
        order by 1, 2`,
  );
  const target = (rel: string, att: string) => rows.find((r) => r.rel === rel && r.att === att)?.target;
  expect(target("users", "email_key")).toBe(500);
  // The search text (email key, chr(1), name key): its statistics live with its index, one per
  // partition of users_search (the planner estimates each partition with its own).
  const partitions = await queryRows<{ idx: string; target: number | null }>(
    database.db,
    sql`select i.inhrelid::regclass::text as idx, a.attstattarget::int as target
        from pg_inherits i join pg_attribute a on a.attrelid = i.inhrelid and a.attnum = 1
        where i.inhparent = 'users_search_text_trgm'::regclass order by 1`,
  );
  expect(partitions).toHaveLength(8);
  for (const p of partitions) expect(p, p.idx).toMatchObject({ target: 500 });
  // The default is -1 (Postgres 15) or null (Postgres 17, PGlite).
  expect([-1, null]).toContain(target("users", "name"));
});
