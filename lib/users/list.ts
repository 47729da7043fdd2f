import "server-only";
import { and, count, eq, getTableColumns, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { alias, PgDialect, pgTable, type PgTable } from "drizzle-orm/pg-core";
import { z } from "zod";
import { apiKeys, invitations, users, usersSearch, usersSearchColumns, type UserRow } from "../db/schema";
import { USER_SORT_FIELDS, USER_SORTS, type UserSort, type UserSortField } from "../validation/enums";
import { emailKey, listUsersQuerySchema, type InvitationFilter } from "../validation/users";
import { parseInput, notFound } from "./errors";
import { badKeyIsInvalidCursor, decodeCursor, encodeCursor, invalidCursor, pageWindow, type CursorDir } from "./keyset";
import {
  activeAdminIds,
  isUuid,
  latestInvitations,
  read,
  toUserDTO,
  type Actor,
  type CoreDeps,
} from "./context";
import { queryRows, type Db } from "../db/client";
import type { ListUsersResult, Principal, UserDetailDTO } from "./types";

/** Up to this many matches the total is counted exactly; beyond, the planner estimates it. */
export const TOTAL_EXACT_LIMIT = 1000;

// The sort key of each order, written exactly as its index is (see lib/db/schema.ts).
/** What a sort key is made of, in the users table or in a search's matches (users_search). */
type SortColumns = { nameKey: unknown; emailKey: unknown; createdAt: unknown; lastLoginAt: unknown };
const sortKeyOf = (field: UserSortField, t: SortColumns): SQL =>
  ({
    name: sql`${t.nameKey} collate "C"`,
    email: sql`${t.emailKey} collate "C"`,
    created: sql`${t.createdAt}`,
    last_login: sql`coalesce(${t.lastLoginAt}, '-infinity'::timestamptz)`,
  })[field];
/** users_search.name_key is this expression, written by its triggers (migration 0006). */
const usersNameKey = sql`lower(${users.name})`;
const USERS_SORT_COLUMNS: SortColumns = { ...users, nameKey: usersNameKey };
const SORT_KEYS = Object.fromEntries(USER_SORT_FIELDS.map((f) => [f, sortKeyOf(f, USERS_SORT_COLUMNS)])) as Record<UserSortField, SQL>;
// (The leading space matters: the cast follows a bind parameter, and `$2collate` is a syntax error.)
const SORT_CAST: Record<UserSortField, SQL> = {
  name: sql` collate "C"`,
  email: sql` collate "C"`,
  created: sql`::timestamptz`,
  last_login: sql`::timestamptz`,
};

const cursorSchema = z.tuple([
  z.string().max(400),
  z.string().refine(isUuid),
  z.enum(["n", "p"]),
  z.enum(USER_SORTS),
]);

/**
 * Cursors are opaque (keyset.ts): [sort key as text, id, direction, sort]. The sort is part of
 * it because a key only means something in its own order (a name is no timestamp).
 */
function decodeListCursor(cursor: string, sort: UserSort): [string, string, CursorDir] {
  const parsed = decodeCursor(cursor, cursorSchema);
  if (parsed[3] !== sort) throw invalidCursor();
  return [parsed[0], parsed[1], parsed[2]];
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

type ListFilterInput = {
  q?: string;
  email?: string;
  status?: string[];
  role?: string[];
  invitation?: InvitationFilter;
  neverSignedIn?: boolean;
  notSeenSince?: string;
};

/** The search term as the list compares it, or null for none. */
const searchTerm = (q: string | undefined) => q?.trim().normalize("NFC").toLowerCase() || null;
/** 1–2 characters: a prefix of the email or the name (the "C" btrees); 3+: a substring (trigrams). */
const isPrefixTerm = (term: string) => [...term].length < 3;
const emailPrefix = (term: string) => sql`${users.emailKey} collate "C" like ${`${escapeLike(term)}%`}`;
const namePrefix = (term: string) => sql`${usersNameKey} collate "C" like ${`${escapeLike(term)}%`}`;

/** The text users_search's trigram index is built on (schema.ts): email key, chr(1), name key. */
const SEARCH_TEXT_SEPARATOR = "\u0001";
const searchText = sql`(${usersSearch.emailKey} || chr(1) || ${usersSearch.nameKey})`;

/**
 * The org's users_search rows whose email key or name key holds `term` (3+ characters): one
 * trigram index scan of their joined text. A term holding the separator could match across
 * the join, so for one the columns are compared alone as well.
 */
function searchTableMatch(orgId: string, term: string): SQL {
  const pattern = `%${escapeLike(term)}%`;
  const across = term.includes(SEARCH_TEXT_SEPARATOR)
    ? sql` and (${usersSearch.emailKey} like ${pattern} or ${usersSearch.nameKey} like ${pattern})`
    : sql``;
  return sql`${usersSearch.orgId} = ${orgId} and ${searchText} like ${pattern}${across}`;
}


/**
 * How listFilter compares a substring term: "index" asks users_search (a semi-join that its
 * trigram index answers: for counts, estimates and matches read first); "columns" compares the
 * users row's own columns, for a walk along a sort index that filters the rows it passes.
 */
type SubstringForm = "index" | "columns";

/** The WHERE clause of a list query: org, search, email, status and role filters. */
export function listFilter(
  orgId: string,
  q: ListFilterInput,
  now: Date = new Date(),
  substring: SubstringForm = "index",
): SQL {
  const parts: SQL[] = [sql`${users.orgId} = ${orgId}`];
  const term = searchTerm(q.q);
  if (term) {
    const t = escapeLike(term);
    parts.push(
      isPrefixTerm(term)
        ? sql`(${emailPrefix(term)} or ${namePrefix(term)})`
        : substring === "index"
          ? sql`${users.id} in (select ${usersSearch.id} from ${usersSearch} where ${searchTableMatch(orgId, term)})`
          : sql`(${users.emailKey} like ${`%${t}%`} or ${usersNameKey} like ${`%${t}%`})`,
    );
  }
  if (q.email) parts.push(sql`${users.emailKey} = ${emailKey(q.email)}`);
  if (q.status?.length) parts.push(inArray(users.status, q.status as never[]));
  if (q.role?.length) parts.push(inArray(users.role, q.role as never[]));
  // Sign-in filters use the users_org_last_login index's own expression (never = -infinity).
  if (q.neverSignedIn) parts.push(sql`${SORT_KEYS.last_login} = '-infinity'::timestamptz`);
  if (q.notSeenSince) {
    parts.push(
      sql`${SORT_KEYS.last_login} > '-infinity'::timestamptz and ${SORT_KEYS.last_login} < ${`${q.notSeenSince}T00:00:00Z`}::timestamptz`,
    );
  }
  if (q.invitation) {
    // An invited user's open invitation (a resend revokes the older ones, so there is one).
    const cmp = q.invitation === "expired" ? sql`<=` : sql`>`;
    parts.push(
      sql`${users.status} = 'invited' and exists (select 1 from ${invitations} where ${invitations.userId} = ${users.id} and ${invitations.kind} = 'invitation' and ${invitations.acceptedAt} is null and ${invitations.revokedAt} is null and ${invitations.expiresAt} ${cmp} ${now.toISOString()}::timestamptz)`,
    );
  }
  return and(...parts)!;
}

/**
 * The same rows as listFilter, for reading pages: a prefix search as two filters (email prefix,
 * name prefix) whose pages keysetPage merges. With the OR in one statement the planner walks
 * the sort's index and filters, expecting matches spread evenly along it; but the names with a
 * prefix sit together in name order, so for a late prefix ("zo") that walk read 960,000 rows
 * of 1,000,000 (seconds on Postgres). Alone, each prefix is an index range the planner costs
 * right: the name prefix becomes a range scan of the name index. Only for the name and email
 * sorts (the prefixes' own orders).
 */
export function listFilterParts(orgId: string, q: ListFilterInput, sort: UserSort, now: Date = new Date()): SQL[] {
  const term = searchTerm(q.q);
  // In the time orders the prefixes are spread out, so the one statement serves.
  const textSort = /^-?(name|email)$/.test(sort);
  if (!term || !isPrefixTerm(term) || !textSort) return [listFilter(orgId, q, now, "columns")];
  const rest = listFilter(orgId, { ...q, q: undefined }, now);
  return [and(rest, emailPrefix(term))!, and(rest, namePrefix(term))!];
}

/**
 * The default of CoreConfig.searchMatchesFirstBelow: a substring search the planner expects to
 * match at most this many users reads its matches first (see searchPlan).
 */
export const SEARCH_MATCHES_FIRST_BELOW = 50_000;

/**
 * Where a search's rows come from instead of a walk along users' sort index: its matches read
 * first from users_search alone (a term and nothing else) or from users; or (`walk`, a term
 * alone sorted by name) a walk along users_search's name index, filtering as it goes.
 */
export type MatchesSource = {
  from: "users_search" | "users";
  where: SQL;
  orgId: string;
  walk?: boolean;
  /** Read users_search's partitions one by one in name order until the page is full. */
  byPartition?: boolean;
};

/**
 * The partitions of users_search (migration 0008): ranges of the name key in "C" order, split at
 * these bounds (the first from MINVALUE, the last to MAXVALUE), named users_search_p00.. in order.
 * lib/db/users-search.int.test.ts checks them against the database's.
 */
export const USERS_SEARCH_NAME_BOUNDS = ["c", "f", "j", "l", "n", "r", "t"] as const;

/**
 * One partition as a table whose rows the rest of the list reads as users_search's: aliased
 * "users_search", so the conditions and columns written against users_search (the match, the
 * sort keys) apply to it unchanged.
 */
const searchPartition = (i: number) => {
  const table = pgTable(`users_search_p${String(i).padStart(2, "0")}`, usersSearchColumns());
  const lower = i === 0 ? null : Buffer.from(USERS_SEARCH_NAME_BOUNDS[i - 1]!, "utf8");
  const upper = i === USERS_SEARCH_NAME_BOUNDS.length ? null : Buffer.from(USERS_SEARCH_NAME_BOUNDS[i]!, "utf8");
  return { table: alias(table, "users_search"), lower, upper };
};
const SEARCH_PARTITIONS = Array.from({ length: USERS_SEARCH_NAME_BOUNDS.length + 1 }, (_, i) => searchPartition(i));

/**
 * The default of CoreConfig.searchPartitionsAbove: a term alone sorted by name, estimated to
 * match more users than this, reads users_search's partitions in name order (keysetQuery).
 * Below it, reading every partition's matches in one statement costs less than a statement per
 * partition.
 */
export const SEARCH_PARTITIONS_ABOVE = 1_000;

/**
 * How to read the pages of a filter: its statements for a walk along the sort's index
 * (listFilterParts), or the matches to read first; the planner's estimate of its matches, and
 * what to count them in (countUsers reuses the estimate).
 *
 * Why: for a substring search sorted by an indexed key, the planner walks the sort's index in
 * order and filters, expecting the matches spread evenly along it, so the page's 51 matches
 * should come within a few thousand rows. But a term's matches can sit together in the order
 * ("grace" is a first name: its users are one stretch of the name order, 340,000 rows in at
 * 1M users), and then the walk reads everything before them: seconds. Reading the trigram
 * matches first (a bitmap of the trigram indexes) and sorting them costs about the number of
 * matches, wherever they sit. So below `threshold` estimated matches the page reads the matches
 * first; above it (a term matching most of the org, like "@large.example") the ordered walk
 * finds its page at once and reading every match would cost far more. Prefix searches and
 * lists without a term keep their index reads (their plans follow the order already).
 */
export async function searchPlan(
  db: Db,
  orgId: string,
  q: ListFilterInput,
  sort: UserSort,
  threshold: number,
  now: Date = new Date(),
  /** CoreConfig.searchPartitionsAbove; the list passes it (by default, never by partition). */
  partitionsAbove = Number.POSITIVE_INFINITY,
) {
  const where = listFilter(orgId, q, now);
  const term = searchTerm(q.q);
  const substring = term !== null && !isPrefixTerm(term);
  // Anything besides the term? Read from listFilter itself, so a filter added there counts too.
  const beyondTerm =
    substring &&
    dialect.sqlToQuery(listFilter(orgId, { ...q, q: undefined }, now)).sql !== dialect.sqlToQuery(listFilter(orgId, {}, now)).sql;
  // A term alone is answered by users_search alone: users is read for the page's rows only.
  const count = substring && !beyondTerm ? { table: usersSearch, where: searchTableMatch(orgId, term) } : { table: users, where };
  const estimate = await recentEstimate(db, count.where, count.table);
  const alone = count.table === usersSearch;
  const nameSort = /^-?name$/.test(sort);
  const matches: MatchesSource | null =
    substring && estimate <= threshold
      ? { from: alone ? "users_search" : "users", where: count.where, orgId, byPartition: alone && nameSort && estimate > partitionsAbove }
      : substring && alone && nameSort
        ? { from: "users_search", where: count.where, orgId, walk: true }
        : null;
  return { where, count, parts: listFilterParts(orgId, q, sort, now), matches, estimate };
}

/** How long searchPlan reuses a filter's planner estimate (ESTIMATE_REUSE_MAX entries per database). */
export const ESTIMATE_REUSE_MS = 5_000;
const ESTIMATE_REUSE_MAX = 1_000;
const dialect = new PgDialect();
const recentEstimates = new WeakMap<Db, Map<string, { estimate: number; at: number }>>();

/**
 * plannerEstimate, reused for ESTIMATE_REUSE_MS per statement (text and parameters): a person
 * paging through a filtered list, or a script polling one, asks the planner once. An estimate
 * only steers the plan and labels a total as estimated (exact totals are always counted), and
 * the planner's statistics move with ANALYZE, far less often than this.
 */
async function recentEstimate(db: Db, where: SQL, table: PgTable): Promise<number> {
  const q = dialect.sqlToQuery(sql`${table} where ${where}`);
  const key = `${q.sql}\u0000${JSON.stringify(q.params)}`;
  let cache = recentEstimates.get(db);
  if (!cache) recentEstimates.set(db, (cache = new Map()));
  const hit = cache.get(key);
  const t = Date.now();
  if (hit && t - hit.at >= 0 && t - hit.at < ESTIMATE_REUSE_MS) return hit.estimate;
  const estimate = await plannerEstimate(db, where, table);
  cache.delete(key);
  cache.set(key, { estimate, at: t });
  // Oldest first (insertion order): drop the oldest beyond the bound.
  while (cache.size > ESTIMATE_REUSE_MAX) cache.delete(cache.keys().next().value!);
  return estimate;
}

/** Above this planner estimate the exact count is not even tried: it would cost too much. */
export const ESTIMATE_ONLY_ABOVE = 10 * TOTAL_EXACT_LIMIT;

/** The planner's estimate of the rows of `table` (users by default) matching `where`. */
export async function plannerEstimate(db: Db, where: SQL, table: PgTable = users): Promise<number> {
  const plan = await queryRows<{ "QUERY PLAN": unknown }>(
    db,
    sql`explain (format json) select 1 from ${table} where ${where}`,
  );
  const raw = plan[0]?.["QUERY PLAN"];
  const parsed = (typeof raw === "string" ? JSON.parse(raw) : raw) as [
    { Plan: { "Plan Rows": number } },
  ];
  return Math.round(parsed[0]?.Plan["Plan Rows"] ?? 0);
}

/**
 * Total matches: exact up to TOTAL_EXACT_LIMIT (a capped count), else the planner's estimate,
 * labelled. The estimate comes first: when it is far above the cap, counting even the first
 * thousand matches of a common search term costs more than the page itself, so it is skipped.
 */
export async function countUsers(
  db: Db,
  where: SQL,
  table: PgTable = users,
  /** The planner's estimate of `where`, when the caller has it already (searchPlan). */
  knownEstimate?: number,
): Promise<{ total: number; totalExact: boolean }> {
  const estimate = knownEstimate ?? (await plannerEstimate(db, where, table));
  if (estimate > ESTIMATE_ONLY_ABOVE) return { total: estimate, totalExact: false };
  const capped = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from (select 1 from ${table} where ${where} limit ${TOTAL_EXACT_LIMIT + 1}) t`,
  );
  const n = Number(capped[0]?.n ?? 0);
  if (n <= TOTAL_EXACT_LIMIT) return { total: n, totalExact: true };
  return { total: Math.max(estimate, TOTAL_EXACT_LIMIT + 1), totalExact: false };
}

type KeysetOptions = {
  after?: readonly [key: string, id: string] | null;
  reverse?: boolean;
  limit: number;
  /**
   * Where the rows come from (searchPlan): matches read first and sorted, or (`walk`) a walk of
   * users_search's name index; when absent, a walk of users' sort index filtered by `where`.
   */
  matches?: MatchesSource | null;
};

/**
 * One keyset page: up to `limit` users matching `where` in the order of `sort` (or its reverse),
 * strictly after the position `after` (a sort key as text, as `sortKey` gives it, and an id).
 * `where` may be alternatives from listFilterParts (for a name or email sort). The list reads
 * its pages with it and the export its batches.
 */
export async function keysetPage(db: Db, where: SQL | readonly SQL[], sort: UserSort, opts: KeysetOptions): Promise<KeysetRow[]> {
  if (!Array.isArray(where)) return keysetQuery(db, where as SQL, sort, opts);
  if (where.length === 1) return keysetQuery(db, where[0]!, sort, opts);
  // Alternatives (listFilterParts): each gives its first `limit` rows after the position, so
  // the first `limit` of their union are among them. Merged in the same order as the SQL: the
  // text keys byte-wise (collate "C" compares UTF-8 bytes), then the id.
  const field = sort.replace(/^-/, "") as UserSortField;
  if (field !== "name" && field !== "email") throw new Error(`keysetPage: alternatives need a text sort, not ${sort}`);
  const desc = sort.startsWith("-") !== (opts.reverse ?? false);
  const pages = await Promise.all(where.map((w) => keysetQuery(db, w, sort, opts)));
  const seen = new Set<string>();
  const merged = pages.flat().filter((r) => !seen.has(r.id) && seen.add(r.id));
  const bytes = new Map(merged.map((r) => [r, Buffer.from(r.sortKey, "utf8")]));
  merged.sort((a, b) => {
    const c = Buffer.compare(bytes.get(a)!, bytes.get(b)!) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    return desc ? -c : c;
  });
  return merged.slice(0, opts.limit);
}

/**
 * One row of a keyset page, as Drizzle's result mapping builds it: the user as the JSON text it
 * was read as (`userFromJson` turns it into a UserRow when it is used), beside what paging and
 * the callers need before that (the id, the status, the sort key).
 *
 * Kept this way for the export, which holds a batch of 1,000 read ahead while it encodes the
 * one before: each row's objects must be built only while it is encoded, and the batch must not
 * be wrapped in per-row objects of our own. When a batch was held as `{ user: UserRow, sortKey }`
 * pairs, V8 in some runs began allocating those pairs straight into the old generation
 * (allocation-site pretenuring), where a dead pair still keeps what it points to alive through
 * every scavenge until the next full collection: each scavenge promoted ~2 MB more, and the
 * embedded engine's export peaked over 300 MB of RSS in those runs (2 of 5 in session 9).
 * Wrapping the texts in a new `{ id, status, sortKey, json }` of ours per row (the id and
 * status parsed from the JSON) did the same (7 runs of 8); Drizzle's rows as they come did not
 * (0 of 14). bench/README.md, sessions 9 and 10.
 */
export interface KeysetRow {
  id: string;
  status: UserRow["status"];
  /** The row's sort key as text (a cursor's position). */
  sortKey: string;
  /** `row_to_json(users)::text`: read it with userFromJson. */
  json: string;
}

/** What a search's matches carry (the id and what a sort key is made of), from either table. */
const matchColumns = (t: { id: unknown; emailKey: unknown; createdAt: unknown; lastLoginAt: unknown }, nameKey: unknown) => ({
  id: sql<string>`${t.id}`.as("id"),
  nameKey: sql<string>`${nameKey}`.as("name_key"),
  emailKey: sql<string>`${t.emailKey}`.as("email_key"),
  createdAt: sql<Date>`${t.createdAt}`.as("created_at"),
  lastLoginAt: sql<Date | null>`${t.lastLoginAt}`.as("last_login_at"),
});
const SEARCH_MATCH_COLUMNS = matchColumns(usersSearch, usersSearch.nameKey);
const USERS_MATCH_COLUMNS = matchColumns(users, usersNameKey);

async function keysetQuery(db: Db, where: SQL, sort: UserSort, opts: KeysetOptions): Promise<KeysetRow[]> {
  const field = sort.replace(/^-/, "") as UserSortField;
  const readDesc = sort.startsWith("-") !== (opts.reverse ?? false);
  if (opts.matches?.byPartition && field === "name") return byPartition(db, where, sort, readDesc, opts);
  return keysetStatement(db, where, sort, opts);
}

/**
 * A term alone in name order, partition by partition (users_search is partitioned by the name
 * key, migration 0008): in the order read, each partition's matches come after the previous
 * one's, so the page is the first partitions' matches until it is full. A partition wholly
 * before the cursor is skipped. A common term's page then reads and sorts the matches of one
 * partition or a few, not all of them (`grace`, whose matches sit together, 3 partitions of 8).
 */
async function byPartition(db: Db, where: SQL, sort: UserSort, readDesc: boolean, opts: KeysetOptions): Promise<KeysetRow[]> {
  const after = opts.after ? Buffer.from(opts.after[0], "utf8") : null;
  const parts = readDesc ? [...SEARCH_PARTITIONS].reverse() : SEARCH_PARTITIONS;
  const out: KeysetRow[] = [];
  const seen = new Set<string>();
  for (const p of parts) {
    if (after && (readDesc ? p.lower && Buffer.compare(p.lower, after) > 0 : p.upper && Buffer.compare(p.upper, after) <= 0)) continue;
    const rows = await keysetStatement(db, where, sort, { ...opts, limit: opts.limit - out.length, matches: { ...opts.matches!, byPartition: false }, table: p.table });
    // The statements are not one snapshot: a user renamed between two of them can have moved to
    // a later partition. Shown once (a page's rows are keyed by user).
    for (const r of rows) if (!seen.has(r.id) && seen.add(r.id)) out.push(r);
    if (out.length >= opts.limit) break;
  }
  return out;
}

async function keysetStatement(
  db: Db,
  where: SQL,
  sort: UserSort,
  opts: KeysetOptions & { table?: typeof SEARCH_PARTITIONS[number]["table"] },
): Promise<KeysetRow[]> {
  const field = sort.replace(/^-/, "") as UserSortField;
  const readDesc = sort.startsWith("-") !== (opts.reverse ?? false);
  const dir = readDesc ? sql`desc` : sql`asc`;
  // Matches first: the filter in a common table expression that the planner keeps apart
  // (`offset 0`: not pulled up into the outer query, no outer condition or order pushed into
  // it), so it is planned alone, as the trigram bitmap scan, and the keyset condition and the
  // order apply to its rows (a top-N sort). It carries only what a sort key is made of, not
  // whole rows: 20,000 matches of `grace` at 1M users sorted in ~105 ms, against ~190 ms whole.
  // A term alone reads users_search, whose narrow rows hold the same columns (~25-40 ms).
  // (`offset(0)` would be dropped by Drizzle as "no offset", hence the SQL literal.)
  const source = opts.matches;
  // A term alone sorted by name may walk users_search's name index instead (index-only).
  const walkSearch = source?.walk === true;
  const matches = source && !walkSearch
    ? db.$with("matches").as(
        db
          .select(source.from === "users_search" ? SEARCH_MATCH_COLUMNS : USERS_MATCH_COLUMNS)
          .from(source.from === "users_search" ? (opts.table ?? usersSearch) : users)
          .where(source.where)
          .offset(sql`0` as never),
      )
    : null;
  const from = matches ?? (walkSearch ? usersSearch : users);
  const key = sortKeyOf(field, matches ?? (walkSearch ? usersSearch : USERS_SORT_COLUMNS));
  const conditions = matches ? [] : [walkSearch ? source!.where : where];
  if (opts.after) {
    const [k, id] = opts.after;
    const cmp = readDesc ? sql`<` : sql`>`;
    conditions.push(sql`(${key}, ${from.id}) ${cmp} (${k}${SORT_CAST[field]}, ${id}::uuid)`);
  }
  // The page's ids and keys first, then their rows as JSON: a select list is computed before a
  // Sort and its Limit, so JSON (or whole rows) there would be built for every row sorted.
  const page = (matches ? db.with(matches) : db)
    .select({ id: sql<string>`${from.id}`.as("page_id"), key: sql`${key}`.as("page_key") })
    .from(from)
    .where(and(...conditions))
    .orderBy(sql`${key} ${dir}`, sql`${from.id} ${dir}`)
    .limit(opts.limit)
    .as("page");
  // The org is checked again on the users row: the page's ids may come from users_search.
  const sameOrg = source ? sql` and ${users.orgId} = ${source.orgId}` : sql``;
  // Drizzle's rows, returned as they come: no per-row object of ours (KeysetRow says why).
  return db
    .select({
      id: users.id,
      status: users.status,
      sortKey: sql<string>`(${page.key})::text`,
      json: sql<string>`row_to_json(${users})::text`,
    })
    .from(page)
    .innerJoin(users, sql`${users.id} = ${page.id}${sameOrg}`)
    .orderBy(sql`${page.key} ${dir}`, sql`${page.id} ${dir}`);
}

const USER_COLUMNS = Object.entries(getTableColumns(users));

/**
 * A users row read as one JSON text (`row_to_json(users)::text`), as Drizzle would have mapped
 * its columns. Pages are read this way because the embedded engine's client decodes every cell
 * of a result on its own (a page of 51 users is 1,600 cells: most of a list request's time
 * there); one JSON cell per row (beside the id, status and sort key), parsed by JSON.parse,
 * costs a fraction of it, on Postgres too.
 * lib/users/list-json-rows.int.test.ts proves the rows equal Drizzle's own, column by column.
 */
export function userFromJson(text: string): UserRow {
  const raw = JSON.parse(text) as Record<string, unknown>;
  const row: Record<string, unknown> = {};
  for (const [field, column] of USER_COLUMNS) {
    const value = raw[column.name];
    row[field] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as UserRow;
}

/** One page of the org's users, keyset-paginated in either direction. */
export async function listUsers(
  deps: CoreDeps,
  principal: Principal,
  input: unknown,
): Promise<ListUsersResult> {
  const query = parseInput(listUsersQuerySchema, input ?? {});
  const cursor = query.cursor ? decodeListCursor(query.cursor, query.sort) : null;
  return read(deps, principal, "users:read", async (db, actor) => {
    const plan = await searchPlan(
      db, actor.orgId, query, query.sort, deps.config.searchMatchesFirstBelow, deps.now(), deps.config.searchPartitionsAbove,
    );
    // Walking backward means reading the opposite order, then reversing the page.
    const rows = await keysetPage(db, plan.parts, query.sort, {
      after: cursor && [cursor[0], cursor[1]],
      reverse: cursor?.[2] === "p",
      limit: query.limit + 1,
      matches: plan.matches,
    }).catch(badKeyIsInvalidCursor(cursor !== null));
    const { page, first, last, hasNext, hasPrev } = pageWindow(rows, query.limit, cursor?.[2] ?? null);

    const now = deps.now();
    const invited = page.filter((r) => r.status === "invited").map((r) => r.id);
    const [invitationsByUser, totals] = await Promise.all([
      latestInvitations(db, invited),
      // A first page with nothing after it holds every match: it is the total, no count needed
      // (a rare term's count would read the trigram index a second time).
      !cursor && !hasNext
        ? { total: page.length, totalExact: true }
        : countUsers(db, plan.count.where, plan.count.table, plan.estimate),
    ]);
    return {
      data: page.map((r) => toUserDTO(userFromJson(r.json), invitationsByUser.get(r.id), now)),
      nextCursor: hasNext && last ? encodeCursor([last.sortKey, last.id, "n", query.sort]) : null,
      prevCursor: hasPrev && first ? encodeCursor([first.sortKey, first.id, "p", query.sort]) : null,
      ...totals,
    };
  });
}

/** Finds a user of the actor's org by id or email; another org's user is NOT_FOUND. */
export async function findUser(db: Db, actor: Actor, idOrEmail: string, lock = false) {
  const ref = idOrEmail.trim();
  const match = isUuid(ref) ? eq(users.id, ref.toLowerCase()) : eq(users.emailKey, emailKey(ref));
  const q = db
    .select()
    .from(users)
    .where(and(eq(users.orgId, actor.orgId), match));
  const [row] = lock ? await q.for("update") : await q;
  if (!row) throw notFound();
  return row;
}

/** One user with everything the drawer shows. */
export async function getUser(
  deps: CoreDeps,
  principal: Principal,
  idOrEmail: unknown,
): Promise<UserDetailDTO> {
  const ref = parseInput(z.string().trim().min(1).max(320), idOrEmail);
  return read(deps, principal, "users:read", async (db, actor) => {
    const row = await findUser(db, actor, ref);
    const now = deps.now();
    const [inv, inviter, keys] = await Promise.all([
      latestInvitations(db, [row.id]),
      row.invitedBy
        ? db
            .select({ id: users.id, email: users.email, name: users.name })
            .from(users)
            .where(and(eq(users.id, row.invitedBy), eq(users.orgId, actor.orgId)))
        : Promise.resolve([]),
      db
        .select({ active: count(), lastUsedAt: sql<string | null>`max(${apiKeys.lastUsedAt})` })
        .from(apiKeys)
        .where(
          and(
            eq(apiKeys.userId, row.id),
            isNull(apiKeys.revokedAt),
            sql`(${apiKeys.expiresAt} is null or ${apiKeys.expiresAt} > ${now})`,
          ),
        ),
    ]);
    const lastUsed = keys[0]?.lastUsedAt;
    const isLastActiveAdmin =
      row.role === "admin" && row.status === "active" && (await activeAdminIds(db, actor.orgId)).size === 1;
    return {
      ...toUserDTO(row, inv.get(row.id), now),
      invitedByUser: inviter[0] ?? null,
      apiKeys: {
        active: Number(keys[0]?.active ?? 0),
        lastUsedAt: lastUsed ? new Date(lastUsed).toISOString() : null,
      },
      isLastActiveAdmin,
    };
  });
}

