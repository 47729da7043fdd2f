// users_search (schema.ts, migration 0006) is what a substring search reads: one row per user,
// kept by triggers on users. These tests hold it to users through every kind of write, on both
// engines, and check the backfill of a database that had users before the migration.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS_FOLDER, queryRows, type Db } from "./client";
import { createWorld, type World } from "../testing/fixtures";
import { createUsersCore } from "../users";
import { listFilter, USERS_SEARCH_NAME_BOUNDS } from "../users/list";
import { users } from "./schema";

let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(() => w?.close());

/** Users whose search row is missing, left over, or differs from what the users row says. */
async function outOfStep(db: Db) {
  return queryRows<{ id: string }>(
    db,
    sql`select coalesce(u.id, s.id) as id
        from users u full join users_search s on s.id = u.id
        where u.id is null or s.id is null
           or s.org_id <> u.org_id or s.email_key <> u.email_key or s.name_key <> lower(u.name)
           or s.created_at <> u.created_at or s.last_login_at is distinct from u.last_login_at`,
  );
}

/** The search row's version (xmin): it changes only when something wrote the row. */
const searchRowVersion = async (id: string) =>
  (await queryRows<{ v: string }>(w.database.db, sql`select xmin::text as v from users_search where id = ${id}`))[0]?.v;

describe("users_search follows users", () => {
  it("starts with a row for every user the fixtures inserted", async () => {
    expect(await outOfStep(w.database.db)).toEqual([]);
    const [n] = await queryRows<{ n: number }>(w.database.db, sql`select count(*)::int as n from users_search`);
    expect(n!.n).toBe(9);
  });

  it("a multi-row insert (a seed, an import) adds a row for each user, in one statement", async () => {
    await queryRows(
      w.database.db,
      sql`insert into users (org_id, email, email_key, name, role, status, last_login_at)
          select ${w.orgA}, 'Multi' || g || '@Sync.test', 'multi' || g || '@sync.test', 'Ÿvonne Ünal ' || g, 'member', 'active',
                 case when g % 2 = 0 then now() end
          from generate_series(1, 25) g
          on conflict (email_key) do nothing`,
    );
    // A conflicting insert adds nothing, and no search row either.
    await queryRows(
      w.database.db,
      sql`insert into users (org_id, email, email_key, name, role, status) values (${w.orgA}, 'x', 'multi1@sync.test', 'Dup', 'member', 'active')
          on conflict (email_key) do nothing`,
    );
    expect(await outOfStep(w.database.db)).toEqual([]);
    const [row] = await queryRows<{ name_key: string }>(w.database.db, sql`select name_key from users_search s join users u using (id) where u.email_key = 'multi1@sync.test'`);
    expect(row!.name_key).toBe("ÿvonne ünal 1");
  });

  it("the core's writes keep it: create, rename, sign-in, delete; and a new email by SQL", async () => {
    const admin = w.as(w.u.admin);
    const password = "a strong new passphrase";
    const { user: created } = await w.core.create(admin, { email: "sync.create@a.test", name: "Sync Create", role: "member", password, passwordConfirmation: password });
    expect(await outOfStep(w.database.db)).toEqual([]);
    await w.core.update(admin, created.id, { name: "Sync Renamed" });
    expect(await outOfStep(w.database.db)).toEqual([]);
    await w.core.authenticate({ email: "sync.create@a.test", password });
    const [signedIn] = await queryRows<{ at: string | null }>(w.database.db, sql`select last_login_at::text as at from users_search where id = ${created.id}`);
    expect(signedIn!.at).not.toBeNull();
    expect(await outOfStep(w.database.db)).toEqual([]);
    await queryRows(w.database.db, sql`update users set email = 'sync.moved@a.test', email_key = 'sync.moved@a.test' where id = ${created.id}`);
    expect(await outOfStep(w.database.db)).toEqual([]);
    expect((await w.core.list(admin, { q: "sync renamed" })).data.map((u) => u.id)).toEqual([created.id]);
    expect((await w.core.list(admin, { q: "sync.moved@" })).data.map((u) => u.id)).toEqual([created.id]);
    expect((await w.core.list(admin, { q: "sync create" })).data).toEqual([]);
    expect((await w.core.list(admin, { q: "sync.create@" })).data).toEqual([]);
    await w.core.delete(admin, created.id);
    expect(await queryRows(w.database.db, sql`select 1 from users_search where id = ${created.id}`)).toEqual([]);
    expect(await outOfStep(w.database.db)).toEqual([]);
  });

  it("a role or status change, or any write that leaves its columns alone, does not write the search row", async () => {
    const target = await w.addUser(w.orgA, "sync.untouched@a.test");
    const before = await searchRowVersion(target.id);
    await w.core.changeRole(w.as(w.u.admin), target.id, { role: "auditor" });
    await w.core.deactivate(w.as(w.u.admin), target.id);
    // Set to the values it has: an UPDATE naming the columns, with nothing changed.
    await queryRows(w.database.db, sql`update users set name = name, email_key = email_key where id = ${target.id}`);
    expect(await searchRowVersion(target.id)).toBe(before);
    expect(await outOfStep(w.database.db)).toEqual([]);
  });

  it("a bulk delete cascades to every search row", async () => {
    const ids = (await queryRows<{ id: string }>(w.database.db, sql`select id from users where email_key like 'multi%@sync.test'`)).map((r) => r.id);
    expect(ids).toHaveLength(25);
    const out = await w.core.bulkDelete(w.as(w.u.admin), { ids });
    expect(out.every((r) => r.outcome === "deleted")).toBe(true);
    expect(await queryRows(w.database.db, sql`select 1 from users_search where id = any(${sql.param(ids)}::uuid[])`)).toEqual([]);
    expect(await outOfStep(w.database.db)).toEqual([]);
  });

  it("a term never matches across the join of email and name, on every path (the separator is not a match)", async () => {
    const user = await w.addUser(w.orgA, "joined.edge@a.test");
    await w.core.update(w.as(w.u.admin), user.id, { name: "Zed Across" });
    const admin = w.as(w.u.admin);
    // Matches first (the default here), and the ordered walk (no estimate is ≤ -1): by name
    // (users_search's name index) and by creation (users' own index).
    const walking = createUsersCore(w.database.db, { appUrl: "http://roster.test", searchMatchesFirstBelow: -1 });
    for (const core of [w.core, walking]) {
      for (const input of [{}, { sort: "created" }, { role: ["member"] }] as const) {
        // The search text is "joined.edge@a.test\u0001zed across": terms spanning the join find nothing.
        for (const q of ["a.test\u0001zed", "t\u0001z", "\u0001zed across"]) {
          expect((await core.list(admin, { q, ...input })).data, `${q} ${JSON.stringify(input)}`).toEqual([]);
        }
        // Either side alone does.
        expect((await core.list(admin, { q: "edge@a.te", ...input })).data.map((u) => u.id)).toEqual([user.id]);
        expect((await core.list(admin, { q: "zed acr", ...input })).data.map((u) => u.id)).toEqual([user.id]);
      }
    }
  });

  it("an upsert, a new org, a new created time: the search row follows each", async () => {
    const db = w.database.db;
    // INSERT … ON CONFLICT DO UPDATE: one row inserted (the insert trigger), one updated (the update trigger).
    const existing = await w.addUser(w.orgA, "upsert.old@a.test");
    await queryRows(
      db,
      sql`insert into users (org_id, email, email_key, name, role, status)
          values (${w.orgA}, 'upsert.old@a.test', 'upsert.old@a.test', 'Upserted Name', 'member', 'active'),
                 (${w.orgA}, 'upsert.new@a.test', 'upsert.new@a.test', 'Upsert New', 'member', 'active')
          on conflict (email_key) do update set name = excluded.name`,
    );
    expect(await outOfStep(db)).toEqual([]);
    const [renamed] = await queryRows<{ name_key: string }>(db, sql`select name_key from users_search where id = ${existing.id}`);
    expect(renamed!.name_key).toBe("upserted name");
    // Another org, another created time.
    await queryRows(db, sql`update users set org_id = ${w.orgB}, created_at = '2020-02-02T00:00:00Z' where id = ${existing.id}`);
    expect(await outOfStep(db)).toEqual([]);
    const bAdmin = w.as(w.u.bAdmin);
    expect((await w.core.list(bAdmin, { q: "upserted" })).data.map((u) => u.id)).toEqual([existing.id]);
    expect((await w.core.list(w.as(w.u.admin), { q: "upserted" })).data).toEqual([]);
  });
});

describe("migration 0006 on a database that already has users", () => {
  it("fills users_search from users, and the search finds them", async () => {
    // The migrations up to 0005, as a database made before 0006 had them.
    const before = mkdtempSync(path.join(tmpdir(), "roster-migrations-"));
    cpSync(MIGRATIONS_FOLDER, before, { recursive: true });
    const journalPath = path.join(before, "meta", "_journal.json");
    const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
    const at = journal.entries.findIndex((e) => e.tag === "0006_users_search");
    expect(at).toBeGreaterThan(0);
    journal.entries = journal.entries.slice(0, at);
    writeFileSync(journalPath, JSON.stringify(journal));

    const client = await PGlite.create("memory://", { extensions: { pg_trgm } });
    try {
      const db = drizzle(client) as unknown as Db;
      await migrate(db as never, { migrationsFolder: before });
      await queryRows(db, sql`insert into organizations (name, slug) values ('Old', 'old')`);
      await queryRows(
        db,
        sql`insert into users (org_id, email, email_key, name, role, status, last_login_at)
            select (select id from organizations where slug = 'old'), 'old' || g || '@old.test', 'old' || g || '@old.test', 'Élodie Old ' || g,
                   'member', 'active', case when g % 3 = 0 then now() end
            from generate_series(1, 40) g`,
      );
      expect(await queryRows(db, sql`select to_regclass('users_search') as t`)).toEqual([{ t: null }]);

      await migrate(db as never, { migrationsFolder: MIGRATIONS_FOLDER });
      expect(await outOfStep(db)).toEqual([]);
      const [n] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from users_search`);
      expect(n!.n).toBe(40);
      // The old trigram indexes on users are gone; the new one answers the search.
      const indexes = await queryRows<{ name: string }>(db, sql`select indexname as name from pg_indexes where indexname like '%trgm%' order by 1`);
      expect(indexes.map((i) => i.name)).toEqual(["users_search_text_trgm"]);
      const found = await queryRows<{ n: number }>(
        db,
        sql`select count(*)::int as n from users_search where (email_key || chr(1) || name_key) like '%élodie old 1%'`,
      );
      expect(found[0]!.n).toBe(11); // 1, 10–19
    } finally {
      await client.close();
    }
  });
});

describe("users_search's partitions (migration 0008)", () => {
  it("are the ranges of the name key the list reads them by (USERS_SEARCH_NAME_BOUNDS), in order", async () => {
    const parts = await queryRows<{ name: string; bound: string }>(
      w.database.db,
      sql`select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound
          from pg_inherits i join pg_class c on c.oid = i.inhrelid
          where i.inhparent = 'users_search'::regclass order by c.relname`,
    );
    const b = USERS_SEARCH_NAME_BOUNDS;
    expect(parts).toEqual(
      Array.from({ length: b.length + 1 }, (_, i) => ({
        name: `users_search_p${String(i).padStart(2, "0")}`,
        bound: `FOR VALUES FROM (${i === 0 ? "MINVALUE" : `'${b[i - 1]}'`}) TO (${i === b.length ? "MAXVALUE" : `'${b[i]}'`})`,
      })),
    );
  });

  it("a rename moves the user's search row to the partition of its new name; a search still finds it once", async () => {
    const admin = w.as(w.u.admin);
    const password = "a strong new passphrase";
    const { user } = await w.core.create(admin, { email: "mover@sync.test", name: "Aaron Mover", role: "member", password, passwordConfirmation: password });
    const partition = async () =>
      (await queryRows<{ p: string }>(w.database.db, sql`select tableoid::regclass::text as p from users_search where id = ${user.id}`)).map((r) => r.p);
    expect(await partition()).toEqual(["users_search_p00"]);
    for (const [name, p] of [["Zoltán Mover", "users_search_p07"], ["Émile Mover", "users_search_p07"], ["Mover Mid", "users_search_p04"], ["0 Mover", "users_search_p00"]] as const) {
      await w.core.update(admin, user.id, { name });
      expect(await partition()).toEqual([p]);
      expect(await outOfStep(w.database.db)).toEqual([]);
      const found = await w.core.list(admin, { q: "mover@sync", sort: "name" });
      expect(found.data.map((u) => u.id)).toEqual([user.id]);
    }
  });
});

describe("users_search's ids (migration 0009)", () => {
  it("each partition has a unique index on id alone", async () => {
    const unique = await queryRows<{ t: string; def: string }>(
      w.database.db,
      sql`select c.relname as t, pg_get_indexdef(x.indexrelid) as def
          from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_index x on x.indrelid = c.oid
          where i.inhparent = 'users_search'::regclass and x.indisunique order by c.relname`,
    );
    expect(unique).toEqual(
      Array.from({ length: USERS_SEARCH_NAME_BOUNDS.length + 1 }, (_, i) => {
        const t = `users_search_p${String(i).padStart(2, "0")}`;
        return { t, def: `CREATE UNIQUE INDEX ${t}_id ON public.${t} USING btree (id)` };
      }),
    );
  });

  it("a search with another filter, before any ANALYZE, probes users_search by id, not along the org's names", async () => {
    // The shape of a term beside a status filter (listFilter's "index" form) on 2,000 users just
    // inserted: with 0008's non-unique id index, the planner probed each user through the
    // (org, name) index, reading the org's whole range every time (seconds over a few pages).
    const own = await createWorld();
    try {
      const db = own.database.db;
      await queryRows(db, sql`
        insert into users (org_id, email, email_key, name, role, status)
        select ${own.orgA}::uuid, 'probe' || g || '@a.test', 'probe' || g || '@a.test', 'Probe ' || g, 'member',
               (case when g % 5 = 0 then 'invited' else 'active' end)::user_status
        from generate_series(1, 2000) as g`);
      const where = listFilter(own.orgA, { q: "probe", status: ["active", "invited"] });
      const [row] = await queryRows<{ "QUERY PLAN": unknown }>(
        db,
        sql`explain (format json) select count(*) from (select 1 from ${users} where ${where} limit 1001) t`,
      );
      const plan = JSON.stringify(row!["QUERY PLAN"]);
      expect(plan).toContain("users_search");
      expect(plan).not.toMatch(/org_id_name_key/);
      // By the unique id index, or (once analyzed, as autovacuum may have on Postgres) a hash join.
      expect(plan).toMatch(/users_search_p\d\d_id"|Hash/);
      const page = await own.core.list(own.as(own.u.admin), { q: "probe", status: ["active", "invited"], sort: "-created", limit: 100 });
      expect(page.data).toHaveLength(100);
    } finally {
      await own.close();
    }
  });
});

describe("users_search follows deletes without a foreign key (migration 0008)", () => {
  it("an organization's delete (its users by cascade) and a TRUNCATE of users remove the search rows", async () => {
    const own = await createWorld();
    try {
      const db = own.database.db;
      const count = async (org?: string) =>
        (await queryRows<{ n: number }>(db, sql`select count(*)::int as n from users_search where ${org ? sql`org_id = ${org}` : sql`true`}`))[0]!.n;
      expect(await count(own.orgB)).toBeGreaterThan(0);
      await queryRows(db, sql`delete from organizations where id = ${own.orgB}`);
      expect(await count(own.orgB)).toBe(0);
      expect(await count()).toBeGreaterThan(0);
      expect(await outOfStep(db)).toEqual([]);
      await queryRows(db, sql`truncate users cascade`);
      expect(await count()).toBe(0);
    } finally {
      await own.close();
    }
  });
});
