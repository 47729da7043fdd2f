// users_search's triggers run as their owner (migration 0006, SECURITY DEFINER): a database role
// that may write users, and has no grant at all on users_search, still keeps it right. Postgres
// only (roles); the table itself is tested on both engines in users-search.int.test.ts.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase } from "./testing";

let test: Awaited<ReturnType<typeof createTestDatabase>>;
const role = `roster_writer_${randomBytes(4).toString("hex")}`;

beforeAll(async () => {
  test = await createTestDatabase("postgres");
});
afterAll(async () => {
  await test?.close();
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`drop role if exists ${role}`);
  await admin.end();
});

it("a role that may write users, without any grant on users_search, inserts and renames users and the search follows", async () => {
  const c = new pg.Client({ connectionString: test.url });
  await c.connect();
  try {
    await c.query(`create role ${role}`);
    await c.query(`grant usage on schema public to ${role}`);
    await c.query(`grant select, insert, update on users, organizations to ${role}`);
    const { rows: [org] } = await c.query<{ id: string }>(`insert into organizations (name, slug) values ('Grants', 'grants') returning id`);
    // The role cannot read users_search itself…
    await c.query(`set role ${role}`);
    await expect(c.query(`select 1 from users_search`)).rejects.toMatchObject({ code: "42501" });
    // …but its writes to users reach it.
    const { rows: [user] } = await c.query<{ id: string }>(
      `insert into users (org_id, email, email_key, name, role, status) values ($1, 'w@grants.test', 'w@grants.test', 'Writer One', 'member', 'active') returning id`,
      [org!.id],
    );
    await c.query(`update users set name = 'Writer Renamed', last_login_at = now() where id = $1`, [user!.id]);
    await c.query(`reset role`);
    const { rows } = await c.query<{ name_key: string; signed_in: boolean }>(
      `select name_key, last_login_at is not null as signed_in from users_search where id = $1`,
      [user!.id],
    );
    expect(rows).toEqual([{ name_key: "writer renamed", signed_in: true }]);
  } finally {
    await c.query(`reset role`).catch(() => {});
    await c.end();
  }
});
