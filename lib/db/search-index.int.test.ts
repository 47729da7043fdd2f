import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { queryRows, type Db } from "./client";
import { createSearchIndexMerger, mergePendingSearchEntries } from "./search-index";
import { createWorld, type World } from "../testing/fixtures";

let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(() => w?.close());

/** n users of org A inserted in one statement, the way a seed or an import writes them. */
async function insertUsers(tag: string, n: number): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    w.database.db,
    sql`insert into users (org_id, email, email_key, name, role, status)
        select ${w.orgA}, ${tag} || '-' || g || '@merge.test', ${tag} || '-' || g || '@merge.test', 'Merge ' || ${tag} || ' ' || g, 'member', 'active'
        from generate_series(1, ${n}) g returning id`,
  );
  return rows.map((r) => r.id);
}

describe("the trigram indexes' pending entries", () => {
  it("are merged on demand: inserts leave some pending, one merge takes them all, searches still find them", async () => {
    await mergePendingSearchEntries(w.database.db);
    await insertUsers("ondemand", 300);
    expect(await mergePendingSearchEntries(w.database.db)).toBeGreaterThan(0);
    expect(await mergePendingSearchEntries(w.database.db)).toBe(0);
    const page = await w.core.list(w.as(w.u.admin), { q: "ondemand-27", limit: 100 });
    expect(page.data.map((u) => u.email).sort()).toEqual(["ondemand-27@merge.test", ...Array.from({ length: 10 }, (_, i) => `ondemand-27${i}@merge.test`)].sort());
  });

  it("are merged by the core after a write commits (a rename writes trigrams), not left to the next request", async () => {
    const ids = await insertUsers("core", 40);
    await mergePendingSearchEntries(w.database.db);
    // The control: the same kind of write outside the core leaves its entries pending.
    await queryRows(w.database.db, sql`update users set name = name || ' renamed' where id = any(${sql.param(ids.slice(0, 20))}::uuid[])`);
    expect(await mergePendingSearchEntries(w.database.db)).toBeGreaterThan(0);

    for (const id of ids.slice(20, 25)) await w.core.update(w.as(w.u.admin), id, { name: `Core Renamed ${id.slice(0, 8)}` });
    await w.core.searchIndex.idle();
    expect(await mergePendingSearchEntries(w.database.db)).toBe(0);
    const found = await w.core.list(w.as(w.u.admin), { q: "core renamed", limit: 100 });
    expect(found.data.map((u) => u.id).sort()).toEqual(ids.slice(20, 25).sort());
  });

  it("a role or status change writes no trigrams: the index is on users_search, which it leaves alone", async () => {
    const ids = await insertUsers("nohot", 200);
    await mergePendingSearchEntries(w.database.db);
    await queryRows(w.database.db, sql`update users set role = 'manager', status = 'deactivated' where id = any(${sql.param(ids)}::uuid[])`);
    expect(await mergePendingSearchEntries(w.database.db)).toBe(0);
  });
});

describe("the background merger (one merge at a time: lib/background.ts)", () => {
  it("a database user that does not own the indexes (42501): said once, then no more merges", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const denied = Object.assign(new Error("must be owner of index users_search_text_trgm"), { code: "42501" });
    const db = { execute: vi.fn(async () => Promise.reject(denied)) } as unknown as Db;
    const merger = createSearchIndexMerger(db);
    merger.kick();
    await merger.idle();
    merger.kick();
    await merger.idle();
    expect(db.execute).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });
});
