// A substring search reads its pages one of two ways (searchPlan in list.ts): walking the sort's
// index in order and filtering, or reading the trigram matches first and sorting them (below
// CoreConfig.searchMatchesFirstBelow estimated matches). Both must give the same rows in the same
// order with the same cursors, and a cursor from one must continue on the other (the threshold
// can fall either side of a term between two requests, as the planner's estimate moves).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/client";
import { organizations, users, type UserRow } from "../db/schema";
import { createWorld, type World } from "../testing/fixtures";
import { emailKey } from "../validation/users";
import type { UserSort } from "../validation/enums";
import { createUsersCore, type ListUsersResult, type Principal, type UsersCore } from "./index";

let w: World;
let admin: Principal;
let rows: UserRow[];
/** Always walks the index in order (no estimate is ≤ -1). */
let ordered: UsersCore;
/** Always reads the matches first. */
let matchesFirst: UsersCore;
/** Always reads the matches first, and a term alone in name order partition by partition. */
let byPartition: UsersCore;

// Org S: "grace" matches by first name (together in name order), by email only, in upper case,
// with ties on the name (broken by id), a last sign-in on some and not others, and non-matches
// sorted before, between and after the matches.
const FIRSTS = ["Ada", "Grace", "Linus", "Zed", "grace", "Gracey", "Ýmir"];
const LASTS = ["Hopper", "Lovelace", "Graceland", "Ó Briain"];

beforeAll(async () => {
  w = await createWorld();
  const db = w.database.db;
  const [org] = await db.insert(organizations).values({ name: "Org S", slug: "org-s" }).returning();
  const people = [{ name: "Admin", email: "admin@s.test" }];
  let i = 0;
  for (const f of FIRSTS)
    for (const l of LASTS) {
      i++;
      people.push({ name: `${f} ${l}`, email: `u${i}.${l.toLowerCase().replace(/\W/g, "")}@s.test` });
    }
  people.push({ name: "Nobody", email: "GRACE.mail@s.test" }, { name: "Grace Hopper", email: "gh2@s.test" });
  // Names outside a-z, at both ends of users_search's partitions (migration 0008): a digit and
  // no name at all before "b", an accented initial after "w".
  people.push({ name: "007 Grace", email: "bond@s.test" }, { name: "", email: "grace.noname@s.test" }, { name: "Éva Grace", email: "eva@s.test" });
  const base = Date.parse("2026-01-01T00:00:00Z");
  rows = await db
    .insert(users)
    .values(
      people.map((p, n) => ({
        orgId: org!.id,
        name: p.name,
        email: p.email,
        emailKey: emailKey(p.email),
        // Every fourth an auditor, for a search with a role filter as well.
        role: n === 0 ? ("admin" as const) : n % 4 === 1 ? ("auditor" as const) : ("member" as const),
        status: "active" as const,
        // Several users share a created time (ties broken by id); every third never signed in.
        createdAt: new Date(base + Math.floor(n / 3) * 60_000),
        lastLoginAt: n % 3 === 0 ? null : new Date(base + ((n * 7) % 11) * 3_600_000),
      })),
    )
    .returning();
  admin = w.as(rows[0]!);
  ordered = createUsersCore(db, { appUrl: "http://roster.test", searchMatchesFirstBelow: -1 });
  matchesFirst = createUsersCore(db, { appUrl: "http://roster.test", searchMatchesFirstBelow: Number.MAX_SAFE_INTEGER });
  byPartition = createUsersCore(db, { appUrl: "http://roster.test", searchMatchesFirstBelow: Number.MAX_SAFE_INTEGER, searchPartitionsAbove: -1 });
});
afterAll(() => w?.close());

/** The SQL statements `fn` sends (Drizzle's logger, as bench/lib.ts `capture`). */
async function statements<T>(db: Db, fn: () => Promise<T>): Promise<{ result: T; sql: string[] }> {
  const session = (db as unknown as { session: { logger: { logQuery(q: string, p: unknown[]): void } } }).session;
  const previous = session.logger;
  const sql: string[] = [];
  session.logger = { logQuery: (text) => sql.push(text) };
  try {
    return { result: await fn(), sql };
  } finally {
    session.logger = previous;
  }
}
const pageStatement = (sql: string[]) => sql.find((s) => /order by/i.test(s) && !/^explain/i.test(s))!;
// The page's ids come from a subquery; with matches first, that subquery reads a CTE of the matches.
const MATCHES_FIRST = /\(with "matches" as \(select .*? from "(users|users_search)" where .* offset 0\) select .* from "matches"/is;
const readsMatchesFirst = (s: string) => MATCHES_FIRST.test(s);
/** The table a matches-first statement reads its matches from. */
const matchesFrom = (s: string) => MATCHES_FIRST.exec(s)?.[1];

const SORTS: UserSort[] = ["name", "-name", "email", "-email", "created", "-created", "last_login", "-last_login"];
const TERMS = ["grace", "GRACE", "ó briain", ".hopper@", "race h", "xyzzy"];

/** Every page of size `limit`, following next cursors; core alternates per page if two are given. */
async function walk(cores: UsersCore[], q: string, sort: UserSort, limit: number) {
  const pages: ListUsersResult[] = [];
  let page = await cores[0]!.list(admin, { q, sort, limit });
  for (let n = 1; ; n++) {
    pages.push(page);
    if (!page.nextCursor) break;
    page = await cores[n % cores.length]!.list(admin, { q, sort, limit, cursor: page.nextCursor });
  }
  return pages;
}

describe("substring search: matches first or ordered walk, the same results", () => {
  it("each core takes its path (the statement it sends), and the default core picks by the estimate", async () => {
    const db = w.database.db;
    const a = await statements(db, () => ordered.list(admin, { q: "grace", sort: "name" }));
    expect(readsMatchesFirst(pageStatement(a.sql))).toBe(false);
    // The walk: a term alone in name order walks users_search's name index; in another order,
    // or with another filter, users' own sort index.
    expect(pageStatement(a.sql)).toMatch(/from \(select (?:"users_search"\.)?"id" as "page_id", "users_search"\."name_key" collate "C" as "page_key" from "users_search" where/);
    for (const input of [{ sort: "-created" }, { sort: "name", role: ["member"] }] as const) {
      const walk = await statements(db, () => ordered.list(admin, { q: "grace", ...input }));
      expect(pageStatement(walk.sql)).not.toMatch(/users_search/);
    }
    const b = await statements(db, () => matchesFirst.list(admin, { q: "grace", sort: "name" }));
    expect(readsMatchesFirst(pageStatement(b.sql))).toBe(true);
    expect(b.result).toEqual(a.result);
    // A term alone is answered by users_search; with another filter the matches are users rows.
    expect(matchesFrom(pageStatement(b.sql))).toBe("users_search");
    const e = await statements(db, () => matchesFirst.list(admin, { q: "grace", sort: "name", role: ["member"] }));
    expect(matchesFrom(pageStatement(e.sql))).toBe("users");
    // Prefix searches and lists without a term keep their index reads whatever the threshold.
    for (const q of [undefined, "gr"]) {
      const c = await statements(db, () => matchesFirst.list(admin, { q, sort: "name" }));
      expect(c.sql.filter((s) => /order by/i.test(s) && !/^explain/i.test(s)).some(readsMatchesFirst)).toBe(false);
    }
    // The default threshold (50,000) is far above this org's matches.
    const d = await statements(db, () => w.core.list(admin, { q: "grace", sort: "name" }));
    expect(readsMatchesFirst(pageStatement(d.sql))).toBe(true);
  });

  for (const q of TERMS) {
    for (const sort of SORTS) {
      it(`q=${JSON.stringify(q)}, sort=${sort}: same rows, order, totals and cursors; paging across paths`, async () => {
        const t = q.toLowerCase();
        const want = rows.filter((r) => r.name.toLowerCase().includes(t) || r.emailKey.includes(t)).map((r) => r.id);
        const allA = await ordered.list(admin, { q, sort, limit: 100 });
        const allB = await matchesFirst.list(admin, { q, sort, limit: 100 });
        expect(allB).toEqual(allA);
        expect(await byPartition.list(admin, { q, sort, limit: 100 })).toEqual(allA);
        expect(new Set(allA.data.map((u) => u.id))).toEqual(new Set(want));
        expect(allA.data).toHaveLength(want.length);

        // Pages of 3 on each path, and alternating between them page by page (a cursor of one
        // path read by the other): identical pages and cursors.
        const pagesA = await walk([ordered], q, sort, 3);
        const pagesB = await walk([matchesFirst], q, sort, 3);
        const mixed = await walk([ordered, matchesFirst], q, sort, 3);
        const mixed2 = await walk([matchesFirst, ordered], q, sort, 3);
        const pagesC = await walk([byPartition], q, sort, 3);
        const mixed3 = await walk([byPartition, ordered, matchesFirst], q, sort, 3);
        expect(pagesB).toEqual(pagesA);
        expect(mixed).toEqual(pagesA);
        expect(mixed2).toEqual(pagesA);
        expect(pagesC).toEqual(pagesA);
        expect(mixed3).toEqual(pagesA);
        expect(pagesA.flatMap((p) => p.data.map((u) => u.id))).toEqual(allA.data.map((u) => u.id));

        // Backward from the last page, switching path at every step.
        const last = pagesA[pagesA.length - 1]!;
        const back: string[][] = [last.data.map((u) => u.id)];
        let n = 0;
        for (let prev = last.prevCursor; prev; n++) {
          const cores = [ordered, matchesFirst, byPartition];
          const p = await cores[n % 3]!.list(admin, { q, sort, limit: 3, cursor: prev });
          for (const other of [cores[(n + 1) % 3]!, cores[(n + 2) % 3]!]) expect(await other.list(admin, { q, sort, limit: 3, cursor: prev })).toEqual(p);
          back.unshift(p.data.map((u) => u.id));
          prev = p.prevCursor;
        }
        expect(back).toEqual(pagesA.map((p) => p.data.map((u) => u.id)));
      });
    }
  }

  it("partition by partition: a statement per partition in name order, stopping once the page is full; a cursor skips the partitions before it", async () => {
    const db = w.database.db;
    const parts = (sql: string[]) => sql.map((s) => /from "(users_search_p\d\d)" "users_search"/.exec(s)?.[1]).filter(Boolean);
    // lovelace: Ada's in p00, then the two Graces' (Grace, grace) in p02 (f-j): the page is full there.
    const first = await statements(db, () => byPartition.list(admin, { q: "lovelace", sort: "name", limit: 3 }));
    expect(first.result.data.map((u) => u.name.toLowerCase())).toEqual(["ada lovelace", "grace lovelace", "grace lovelace"]);
    expect(parts(first.sql)).toEqual(["users_search_p00", "users_search_p01", "users_search_p02"]);
    // The next page starts in p02 (the cursor's partition), not p00.
    const second = await statements(db, () => byPartition.list(admin, { q: "lovelace", sort: "name", limit: 3, cursor: first.result.nextCursor! }));
    expect(parts(second.sql)[0]).toBe("users_search_p02");
    expect(second.result).toEqual(await ordered.list(admin, { q: "lovelace", sort: "name", limit: 3, cursor: first.result.nextCursor! }));
    // Descending: from the last partition (Ýmir, Zed) backward.
    const desc = await statements(db, () => byPartition.list(admin, { q: "lovelace", sort: "-name", limit: 3 }));
    expect(parts(desc.sql)[0]).toBe("users_search_p07");
    expect(desc.result).toEqual(await ordered.list(admin, { q: "lovelace", sort: "-name", limit: 3 }));
    // Its page 1 ends at Linus's (p04, l-n): page 2 starts there, skipping p07 to p05.
    expect(desc.result.data.at(-1)!.name.toLowerCase()).toBe("linus lovelace");
    const desc2 = await statements(db, () => byPartition.list(admin, { q: "lovelace", sort: "-name", limit: 3, cursor: desc.result.nextCursor! }));
    expect(parts(desc2.sql)[0]).toBe("users_search_p04");
    expect(desc2.result).toEqual(await ordered.list(admin, { q: "lovelace", sort: "-name", limit: 3, cursor: desc.result.nextCursor! }));
    // Other orders, and a term with another filter, read all partitions at once as before.
    for (const input of [{ sort: "-created" }, { sort: "name", role: ["member"] }] as const) {
      expect(parts((await statements(db, () => byPartition.list(admin, { q: "lovelace", ...input }))).sql)).toEqual([]);
    }
    // The default core reads by partition only above SEARCH_PARTITIONS_ABOVE estimated matches.
    expect(parts((await statements(db, () => w.core.list(admin, { q: "lovelace", sort: "name", limit: 3 }))).sql)).toEqual([]);
  });

  for (const sort of ["name", "-created", "last_login"] as UserSort[]) {
    it(`q="grace" with a role filter, sort=${sort}: the matches read from users, the same rows as the walk`, async () => {
      const want = rows.filter((r) => (r.name.toLowerCase().includes("grace") || r.emailKey.includes("grace")) && r.role === "member").map((r) => r.id);
      const a = await ordered.list(admin, { q: "grace", sort, role: ["member"], limit: 100 });
      const b = await matchesFirst.list(admin, { q: "grace", sort, role: ["member"], limit: 100 });
      expect(b).toEqual(a);
      expect(new Set(a.data.map((u) => u.id))).toEqual(new Set(want));
      expect(a.total).toBe(want.length);
      const pagesA = await walk([ordered], "grace", sort, 4);
      const mixed = await walk([matchesFirst, ordered], "grace", sort, 4);
      expect(mixed).toEqual(pagesA);
    });
  }

  it("a first page with nothing after it is its own total (no count statement); a longer list is counted", async () => {
    const db = w.database.db;
    for (const core of [ordered, matchesFirst]) {
      const all = await statements(db, () => core.list(admin, { q: "ó briain", sort: "name" }));
      expect(all.result.nextCursor).toBeNull();
      expect(all.result).toMatchObject({ total: all.result.data.length, totalExact: true });
      expect(all.sql.filter((s) => /count\(\*\)/.test(s))).toEqual([]);
      const paged = await statements(db, () => core.list(admin, { q: "ó briain", sort: "name", limit: 3 }));
      expect(paged.result.nextCursor).not.toBeNull();
      expect(paged.result).toMatchObject({ total: all.result.data.length, totalExact: true });
      expect(paged.sql.filter((s) => /count\(\*\)/.test(s))).toHaveLength(1);
      // A later page is counted too: it does not see what came before it.
      const next = await statements(db, () => core.list(admin, { q: "ó briain", sort: "name", limit: 3, cursor: paged.result.nextCursor! }));
      expect(next.result.total).toBe(all.result.data.length);
      expect(next.sql.filter((s) => /count\(\*\)/.test(s))).toHaveLength(1);
      // Back to the first page by its cursor: counted too, the same total.
      const back = await statements(db, () => core.list(admin, { q: "ó briain", sort: "name", limit: 3, cursor: next.result.prevCursor! }));
      expect(back.result.data).toEqual(paged.result.data);
      expect(back.result).toMatchObject({ total: all.result.data.length, totalExact: true });
      expect(back.sql.filter((s) => /count\(\*\)/.test(s))).toHaveLength(1);
      // No match at all: an empty first page, total 0, nothing counted.
      const none = await statements(db, () => core.list(admin, { q: "xyzzy" }));
      expect(none.result).toMatchObject({ data: [], total: 0, totalExact: true, nextCursor: null, prevCursor: null });
      expect(none.sql.filter((s) => /count\(\*\)/.test(s))).toEqual([]);
    }
  });

  it("the export reads the same rows in the same order on either path", async () => {
    for (const sort of ["name", "-last_login", "email"] as UserSort[]) {
      const bodies: string[] = [];
      for (const core of [ordered, matchesFirst]) {
        const file = await core.export(admin, { q: "grace", sort }, "ndjson");
        bodies.push(await new Response(file.body).text());
      }
      expect(bodies[1]).toEqual(bodies[0]);
      const list = await ordered.list(admin, { q: "grace", sort, limit: 100 });
      const ids = bodies[0]!.trim().split("\n").map((l) => (JSON.parse(l) as { id: string }).id);
      expect(ids).toEqual(list.data.map((u) => u.id));
    }
  });
});
