// A 1–2 character search is read as two statements (email prefix, name prefix) whose pages are
// merged (listFilterParts + keysetPage): the merged pages must be exactly the one-statement
// filter's rows, in the list's order, without duplicates, forward and back, and in the export.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { organizations, users, type UserRow } from "../db/schema";
import { createWorld, type World } from "../testing/fixtures";
import { emailKey } from "../validation/users";
import type { UserSort } from "../validation/enums";
import type { ListUsersResult, Principal } from "./index";

let w: World;
let admin: Principal;
let rows: UserRow[];

// Org D: prefix "zo" matches by name only, by email only, by both, in upper and lower case, with
// names that tie (broken by id) and a name with a character outside the BMP (UTF-8 byte order).
const PEOPLE: [name: string, email: string][] = [
  ["Admin", "admin@d.test"],
  ["Zoe Adams", "a1@d.test"], // name
  ["zoe adams", "a2@d.test"], // name (ties with the one above)
  ["Adam", "zo.adam@d.test"], // email
  ["Zora", "zora@d.test"], // both
  ["Zoltan", "z1@d.test"], // name
  ["Bea", "ZOOM@d.test"], // email (upper case)
  ["Zo😀", "e1@d.test"], // name, outside the BMP
  ["Zo\uFB01", "e2@d.test"], // name, a BMP character that UTF-16 orders after the emoji's surrogates
  ["Nobody", "nobody@d.test"], // neither
  ["Zz", "zz@d.test"], // neither ("z" only)
];
const matches = (name: string, email: string, q: string) => name.toLowerCase().startsWith(q) || emailKey(email).startsWith(q);

beforeAll(async () => {
  w = await createWorld();
  const db = w.database.db;
  const [org] = await db.insert(organizations).values({ name: "Org D", slug: "org-d" }).returning();
  rows = await db
    .insert(users)
    .values(PEOPLE.map(([name, email], i) => ({
      orgId: org!.id, name, email, emailKey: emailKey(email), role: i === 0 ? ("admin" as const) : ("member" as const), status: "active" as const,
    })))
    .returning();
  admin = w.as(rows[0]!);
});
afterAll(() => w?.close());

/** The list's order: the sort key's UTF-8 bytes (collate "C"), then the id. */
function expected(q: string, sort: UserSort): string[] {
  const field = sort.replace(/^-/, "");
  const key = (r: UserRow) => Buffer.from(field === "name" ? r.name.toLowerCase() : r.emailKey, "utf8");
  const sorted = rows
    .filter((r) => matches(r.name, r.email, q))
    .sort((a, b) => Buffer.compare(key(a), key(b)) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return (sort.startsWith("-") ? sorted.reverse() : sorted).map((r) => r.email);
}

describe("prefix search, read as two statements and merged", () => {
  for (const q of ["zo", "z", "ZO"]) {
    for (const sort of ["name", "-name", "email", "-email", "created", "-last_login"] as UserSort[]) {
      it(`q=${q}, sort=${sort}: the whole list, then pages of 2 forward and back`, async () => {
        const want = sort.includes("name") || sort.includes("email") ? expected(q.toLowerCase(), sort) : null;
        const all = await w.core.list(admin, { q, sort, limit: 100 });
        const got = all.data.map((u) => u.email);
        expect(new Set(got).size).toBe(got.length);
        expect(new Set(got)).toEqual(new Set(rows.filter((r) => matches(r.name, r.email, q.toLowerCase())).map((r) => r.email)));
        if (want) expect(got).toEqual(want);
        expect(all.total).toBe(got.length);

        const forward: string[][] = [];
        let page: ListUsersResult = await w.core.list(admin, { q, sort, limit: 2 });
        for (;;) {
          forward.push(page.data.map((u) => u.email));
          if (!page.nextCursor) break;
          page = await w.core.list(admin, { q, sort, limit: 2, cursor: page.nextCursor });
        }
        expect(forward.flat()).toEqual(got);
        const backward: string[][] = [page.data.map((u) => u.email)];
        for (let prev = page.prevCursor; prev; ) {
          const p = await w.core.list(admin, { q, sort, limit: 2, cursor: prev });
          backward.unshift(p.data.map((u) => u.email));
          prev = p.prevCursor;
        }
        expect(backward).toEqual(forward);
      });
    }
  }

  it("the export of a prefix search holds the same rows in the same order", async () => {
    for (const sort of ["name", "-email"] as UserSort[]) {
      const file = await w.core.export(admin, { q: "zo", sort }, "ndjson");
      const text = await new Response(file.body).text();
      const emails = text.trim().split("\n").map((l) => (JSON.parse(l) as { email: string }).email);
      expect(emails).toEqual(expected("zo", sort));
    }
  });
});
