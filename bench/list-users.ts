// The users list at scale: search, deep keyset pages and totals at a million users, on PGlite
// and on Postgres, through the real core (createUsersCore(db).list) plus raw SQL baselines.
// It only prints; nothing here asserts a timing. See bench/README.md.
//
//   npm run bench:list-users                       # 1,000,000 users, PGlite + Postgres
//   npm run bench:list-users -- --users 200000 --engine pglite
import path from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { openDatabase, queryRows, type Database, type Db } from "../lib/db/client";
import { users } from "../lib/db/schema";
import { createUsersCore, type Principal, type UsersCore } from "../lib/users";
import { countUsers, listFilter } from "../lib/users/list";
import type { UserSort } from "../lib/validation/enums";
import {
  activeAdmin, benchPostgres, capture, ensureSeeded, fmtMs, fmtN, lpad, mark, median, orgIdOf, orgTotal, pad, parseUsers,
  pgliteDir, preparePgliteDir, rawClient, type Captured,
} from "./lib";

// ---------------------------------------------------------------------------------------------
// Options

const USAGE = `usage: npm run bench:list-users -- [options]
  --users N        users in the large organization (default 1000000)
  --engine E       pglite | postgres | both (default both; Postgres is skipped if unreachable)
  --runs R         timed runs per figure after warm-up, median reported (default 15)
  --slug NAME      the large organization's slug (default "large", the one db:seed makes)
  --data-dir DIR   where the PGlite bench database is kept and reused (default .roster/bench)
  --plans          print every EXPLAIN ANALYZE plan in full (verdicts are always printed)
  --keep           keep the throwaway Postgres database (its URL is printed)
Postgres: BENCH_DATABASE_URL, else DATABASE_URL, else a throwaway database created on
BENCH_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres) and dropped after.`;

const { values: opt } = parseArgs({
  options: {
    users: { type: "string", default: "1000000" },
    engine: { type: "string", default: "both" },
    runs: { type: "string", default: "15" },
    slug: { type: "string", default: "large" },
    "data-dir": { type: "string", default: path.join(".roster", "bench") },
    plans: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (opt.help) {
  console.log(USAGE);
  process.exit(0);
}
const N = parseUsers(opt.users!, 1000);
const RUNS = Math.max(3, Number(opt.runs));
const SLUG = opt.slug!;
if (!["pglite", "postgres", "both"].includes(opt.engine!)) throw new Error(USAGE);

/** A term that only the rows below contain: a substring (3+ chars) search for it is "rare". */
const RARE_TERM = "quixotic";
const RARE_ROWS = 5;
/** A 2-character prefix only the rare rows' emails start with: the btree prefix path. */
const RARE_PREFIX = "zq";
const DEPTH = Math.floor(N / 2);

// The list's sort keys, written as lib/users/list.ts writes them (cursor = the key as text).
const SORT_KEY_SQL: Record<string, string> = {
  name: `lower("users"."name") collate "C"`,
  email: `"users"."email_key" collate "C"`,
  created: `"users"."created_at"`,
  last_login: `coalesce("users"."last_login_at", '-infinity'::timestamptz)`,
};
const SORT_INDEX: Record<string, string> = {
  name: "users_org_name",
  email: "users_org_email_key",
  created: "users_org_created",
  last_login: "users_org_last_login",
};

// ---------------------------------------------------------------------------------------------
// Helpers

/** Median wall time of `fn` over `runs` runs, after `warmup` untimed ones. */
async function time(fn: () => Promise<unknown>, runs = RUNS, warmup = 3): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    xs.push(performance.now() - t);
  }
  return median(xs);
}

/** EXPLAIN ANALYZE of a captured statement, on the driver directly (same text, same params). */
async function explain(db: Db, q: Captured): Promise<string> {
  const res = await rawClient(db).query(`explain (analyze, costs off) ${q.text}`, q.params);
  return res.rows.map((r) => String(r["QUERY PLAN"])).join("\n");
}

/** Runs `fn` over a core bound to one transaction with the given planner settings. */
async function withPlanner<T>(db: Db, settings: string[], fn: (core: UsersCore) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    for (const s of settings) await tx.execute(sql.raw(`set local ${s}`));
    return fn(createUsersCore(tx as unknown as Db, { appUrl: "http://bench.invalid" }));
  });
}
const NO_INDEXES = ["enable_indexscan = off", "enable_indexonlyscan = off", "enable_bitmapscan = off"];
const DEFAULTS = ["enable_seqscan = on"]; // a no-op, so both sides pay the same transaction cost

/**
 * A core whose every statement is planned without index paths, outside any transaction, so
 * that it runs exactly what the product runs: on Postgres a second pool whose connections
 * start with the settings, on PGlite (one connection) the settings until done() resets them.
 */
async function noIndexCore(database: Database, url: string | undefined): Promise<{ core: UsersCore; done: () => Promise<void> }> {
  if (database.kind === "postgres") {
    const u = new URL(url!);
    u.searchParams.set("options", NO_INDEXES.map((x) => `-c ${x.replace(/ = /, "=")}`).join(" "));
    const other = await openDatabase({ kind: "postgres", url: u.toString(), poolSize: 2 });
    return { core: createUsersCore(other.db, { appUrl: "http://bench.invalid" }), done: () => other.close() };
  }
  for (const x of NO_INDEXES) await database.db.execute(sql.raw(`set ${x}`));
  return {
    core: createUsersCore(database.db, { appUrl: "http://bench.invalid" }),
    done: async () => {
      for (const x of NO_INDEXES) await database.db.execute(sql.raw(`reset ${x.split(" ")[0]}`));
    },
  };
}

/**
 * A "next page" cursor at (key, id) in the given sort. The format is the list's own: a real
 * cursor from page 1 is decoded (base64url JSON, [sort key as text, id, direction, ...]) and
 * only its key and id are replaced, so the bench follows the format if it changes.
 */
async function cursorAt(core: UsersCore, p: Principal, sort: UserSort, key: string, id: string): Promise<string> {
  const real = (await core.list(p, { sort, limit: 1 })).nextCursor;
  if (!real) throw new Error(`no nextCursor for sort ${sort}`);
  const parts = JSON.parse(Buffer.from(real, "base64url").toString("utf8")) as unknown[];
  if (!Array.isArray(parts) || typeof parts[0] !== "string" || typeof parts[1] !== "string") {
    throw new Error(`unexpected cursor format: ${JSON.stringify(parts)}`);
  }
  parts[0] = key;
  parts[1] = id;
  return Buffer.from(JSON.stringify(parts)).toString("base64url");
}

// ---------------------------------------------------------------------------------------------
// One engine

interface Figures {
  engine: string;
  rows: [string, string, string, string][]; // label, measured, baseline/goal, verdict
  planVerdicts: [string, string, boolean][];
  seedMs: number | null;
}

async function prepare(database: Database): Promise<{ orgId: string; principal: Principal; total: number; seedMs: number | null }> {
  const { db } = database;
  const seedMs = await ensureSeeded(db, N, SLUG);
  const orgId = await orgIdOf(db, SLUG);
  // The rare rows: a distinctive name and email that nothing else in the org contains.
  const rare = Array.from({ length: RARE_ROWS }, (_, i) => {
    const email = `${RARE_PREFIX}.${RARE_TERM}${i + 1}@${SLUG}.example`;
    return { orgId, email, emailKey: email, name: `Zebulon Quixotic-Wren ${i + 1}`, role: "member" as const, status: "active" as const };
  });
  const inserted = await db.insert(users).values(rare).onConflictDoNothing().returning({ id: users.id });
  // As autovacuum would have by now: statistics, visibility map, and flushed GIN pending lists
  // (a bulk insert leaves them full, and every trigram search then scans them linearly).
  const tv = performance.now();
  await db.execute(sql`vacuum analyze users`);
  await db.execute(sql`vacuum analyze users_search`);
  console.log(`  vacuum analyze users, users_search: ${fmtMs(performance.now() - tv)}${inserted.length ? ` (after adding ${inserted.length} rare rows)` : ""}`);
  const { principal } = await activeAdmin(db, orgId, SLUG);
  return { orgId, total: await orgTotal(db, orgId), seedMs, principal };
}

async function benchEngine(database: Database, url?: string): Promise<Figures> {
  const { db } = database;
  console.log(`\n=== ${database.kind} (${database.location}) ===`);
  const { orgId, principal: p, total, seedMs } = await prepare(database);
  console.log(`  organization "${SLUG}": ${fmtN(total)} users; median of ${RUNS} runs after 3 warm-ups`);
  const core = createUsersCore(db, { appUrl: "http://bench.invalid" });
  const fig: Figures = { engine: database.kind, rows: [], planVerdicts: [], seedMs };
  // Warm the JIT, the driver and the caches on a mix of calls before anything is timed (on
  // PGlite the first few dozen calls are several times slower than the rest).
  for (let i = 0; i < 60; i++) {
    const sorts = ["name", "email", "created", "last_login"] as const;
    await core.list(p, i % 3 === 0 ? { q: RARE_TERM, sort: sorts[i % 4] } : { sort: sorts[i % 4] });
  }

  // (a) Rare-term search: the real list query vs the same query with index paths switched off.
  {
    const checkIdx = await core.list(p, { q: RARE_TERM });
    // Indexed first: the sequential scans below evict the caches the indexed runs would use.
    const idx = await time(() => core.list(p, { q: RARE_TERM }));
    const idxTx = await time(() => withPlanner(db, DEFAULTS, (c) => c.list(p, { q: RARE_TERM })));
    const forced = await noIndexCore(database, url);
    let seq: number;
    try {
      const check = await forced.core.list(p, { q: RARE_TERM });
      if (check.data.length !== RARE_ROWS || checkIdx.data.length !== RARE_ROWS) {
        throw new Error(`rare search found ${checkIdx.data.length} (indexes) / ${check.data.length} (seq scan), expected ${RARE_ROWS}`);
      }
      const { queries } = await capture(forced.core.deps.db, () => forced.core.list(p, { q: RARE_TERM }));
      const plan = await explain(forced.core.deps.db, queries.find((q) => /\border by\b/i.test(q.text))!);
      if (!/Seq Scan on users/.test(plan)) throw new Error(`the forced baseline does not scan sequentially:\n${plan}`);
      seq = await time(() => forced.core.list(p, { q: RARE_TERM }), Math.min(RUNS, 5), 1);
    } finally {
      await forced.done();
    }
    const ratio = idx / seq;
    // The same pair with the settings made `set local` in a transaction around each call.
    const seqTx = await time(() => withPlanner(db, NO_INDEXES, (c) => c.list(p, { q: RARE_TERM })), Math.min(RUNS, 5), 1);
    console.log(`\n(a) rare-term search q="${RARE_TERM}" (${RARE_ROWS} matches), list page + total`);
    console.log(`    real list query (indexes)       ${lpad(fmtMs(idx), 10)}`);
    console.log(`    same query, sequential scan     ${lpad(fmtMs(seq), 10)}   (index, index-only and bitmap scans off)`);
    console.log(`    ratio                           ${lpad(`1/${Math.round(1 / ratio)}`, 10)}   goal ≤ 1/100  ${mark(ratio <= 0.01)}`);
    console.log(`    the same, each call in a transaction with set local: ${fmtMs(idxTx)} vs ${fmtMs(seqTx)}, 1/${Math.round(seqTx / idxTx)}`);
    fig.rows.push([`(a) rare search: indexed vs seq scan`, `${fmtMs(idx)} vs ${fmtMs(seq)}`, `1/${Math.round(1 / ratio)} (goal ≤ 1/100)`, mark(ratio <= 0.01)]);
    // For reference: a 2-character term takes the prefix path (btrees); a common term matches
    // 2% of the org (its total is then the planner's estimate).
    const pre = await time(() => core.list(p, { q: RARE_PREFIX }));
    console.log(`    prefix search q="${RARE_PREFIX}" (btree path)   ${lpad(fmtMs(pre), 10)}`);
    const common = await time(() => core.list(p, { q: "lovelace" }));
    console.log(`    common term q="lovelace" (~2%)      ${lpad(fmtMs(common), 10)}`);
  }

  // (b) Keyset pagination: a page at depth N/2 vs page 1, for each sort.
  console.log(`\n(b) keyset page (limit 50) at depth ${fmtN(DEPTH)} vs page 1, list page + total`);
  console.log(`    ${pad("sort", 12)}${lpad("page 1", 11)}${lpad("deep", 11)}${lpad("ratio", 8)}   goal ≤ 2×`);
  const cursors: Record<string, string> = {};
  const prevCursors: Record<string, string> = {};
  for (const sort of ["name", "email", "created", "last_login", "-name", "-created"] as UserSort[]) {
    const field = sort.replace(/^-/, "");
    const dir = sort.startsWith("-") ? "desc" : "asc";
    const key = SORT_KEY_SQL[field]!;
    // The row at depth DEPTH in this order, found by SQL once; its cursor is what page
    // DEPTH/50 of the real list would have handed out.
    const [at] = await queryRows<{ k: string; id: string }>(
      db,
      sql.raw(`select (${key})::text as k, id from users where org_id = '${orgId}'
               order by ${key} ${dir}, id ${dir} offset ${DEPTH - 1} limit 1`),
    );
    const [next] = await queryRows<{ id: string }>(
      db,
      sql.raw(`select id from users where org_id = '${orgId}' order by ${key} ${dir}, id ${dir} offset ${DEPTH} limit 1`),
    );
    const cursor = await cursorAt(core, p, sort, at!.k, at!.id);
    cursors[sort] = cursor;
    const deepPage = await core.list(p, { sort, cursor });
    if (deepPage.prevCursor) prevCursors[sort] = deepPage.prevCursor;
    if (deepPage.data[0]?.id !== next?.id || deepPage.data.length !== 50) {
      throw new Error(`deep page for ${sort} does not start at row ${DEPTH + 1}`);
    }
    const first = await time(() => core.list(p, { sort }));
    const deep = await time(() => core.list(p, { sort, cursor }));
    const ratio = deep / first;
    console.log(`    ${pad(sort, 12)}${lpad(fmtMs(first), 11)}${lpad(fmtMs(deep), 11)}${lpad(ratio.toFixed(2) + "×", 8)}   ${mark(ratio <= 2)}`);
    fig.rows.push([`(b) keyset depth ${fmtN(DEPTH)} vs page 1, sort ${sort}`, `${fmtMs(deep)} vs ${fmtMs(first)}`, `${ratio.toFixed(2)}× (goal ≤ 2×)`, mark(ratio <= 2)]);
  }

  // (c) Totals: countUsers (exact up to 1000, else the planner's estimate) vs an exact count(*).
  console.log(`\n(c) total of a list (countUsers) vs exact count(*)      goal ≤ 10 ms`);
  console.log(`    ${pad("filter", 34)}${lpad("total", 11)}${lpad("countUsers", 12)}${lpad("count(*)", 11)}`);
  const countCases: [string, Parameters<typeof listFilter>[1]][] = [
    ["whole org", {}],
    ["status=invited", { status: ["invited"] }],
    ["role=admin, status=active", { role: ["admin"], status: ["active"] }],
    [`q="lovelace" (common name)`, { q: "lovelace" }],
    [`q="${RARE_TERM}" (rare)`, { q: RARE_TERM }],
  ];
  for (const [label, filter] of countCases) {
    const where = listFilter(orgId, filter);
    const got = await countUsers(db, where);
    const ms = await time(() => countUsers(db, where));
    const exactMs = await time(
      () => queryRows(db, sql`select count(*)::int as n from ${users} where ${where}`),
      Math.min(RUNS, 5),
      1,
    );
    const [exact] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from ${users} where ${where}`);
    const totalText = `${got.totalExact ? "" : "~"}${fmtN(got.total)}`;
    console.log(
      `    ${pad(label, 34)}${lpad(totalText, 11)}${lpad(fmtMs(ms), 12)}${lpad(fmtMs(exactMs), 11)}   ${mark(ms <= 10)}` +
        (got.totalExact ? "" : `  (exact ${fmtN(exact!.n)}, estimate off by ${(((got.total - exact!.n) / exact!.n) * 100).toFixed(1)}%)`),
    );
    fig.rows.push([`(c) countUsers ${label}`, fmtMs(ms), `${fmtMs(exactMs)} exact count(*); goal ≤ 10 ms`, mark(ms <= 10)]);
  }
  {
    // What a total would cost if countUsers asked the planner first and skipped the capped
    // count for large estimates (the change bench/README.md suggests).
    const where = listFilter(orgId, { q: "lovelace" });
    const ms = await time(() => queryRows(db, sql`explain (format json) select 1 from ${users} where ${where}`));
    console.log(`    the planner's estimate alone (EXPLAIN), q="lovelace": ${fmtMs(ms)}`);
  }

  // EXPLAIN: do the real list statements use the indexes they were written for?
  console.log(`\nEXPLAIN ANALYZE of the statements the core sends${opt.plans ? "" : " (--plans prints them in full)"}`);
  const scenarios: { label: string; input: Record<string, unknown>; expect: string[] }[] = [
    { label: `substring search q="${RARE_TERM}"`, input: { q: RARE_TERM }, expect: ["users_search_text_trgm"] },
    { label: `substring search q="lovelace" (common)`, input: { q: "lovelace" }, expect: [] },
    // Either btree on email_key serves the prefix: the org's (collate "C") or, where the
    // database's own collation is C (PGlite), the global unique one.
    { label: `prefix search q="${RARE_PREFIX}"`, input: { q: RARE_PREFIX }, expect: ["users_org_email_key|users_email_key_uq", "users_org_name"] },
    { label: `prefix search q="us" (matches all)`, input: { q: "us" }, expect: ["users_org_name"] },
    ...(["name", "email", "created", "last_login", "-name", "-email", "-created", "-last_login"] as const).map((sort) => ({
      label: `first page, sort=${sort}`,
      input: { sort },
      expect: [SORT_INDEX[sort.replace(/^-/, "")]!],
    })),
    ...(["name", "email", "created", "last_login", "-name", "-created"] as const).map((sort) => ({
      label: `page at depth ${fmtN(DEPTH)}, sort=${sort}`,
      input: { sort, cursor: cursors[sort] },
      expect: [SORT_INDEX[sort.replace(/^-/, "")]!],
    })),
    ...(["name", "-created"] as const).map((sort) => ({
      label: `previous page at depth, sort=${sort}`,
      input: { sort, cursor: prevCursors[sort] },
      expect: [SORT_INDEX[sort.replace(/^-/, "")]!],
    })),
    { label: `first page, status=invited, sort=created`, input: { status: ["invited"], sort: "created" }, expect: ["users_org_created"] },
    { label: `exact email filter`, input: { email: `${RARE_PREFIX}.${RARE_TERM}1@${SLUG}.example` }, expect: ["users_email_key_uq"] },
  ];
  for (const s of scenarios) {
    const { queries } = await capture(db, () => core.list(p, s.input));
    // A prefix search reads its page as two statements (listFilterParts): both are explained.
    const pageStatements = queries.filter((q) => /\border by\b/i.test(q.text) && /from "users(_search(_p\d\d)?)?"/.test(q.text));
    if (!pageStatements.length) throw new Error(`no list statement captured for ${s.label}`);
    const plan = (await Promise.all(pageStatements.map((q) => explain(db, q)))).join("\n");
    // users_search is partitioned (migration 0008): a partition's index is named for its table
    // (users_search_p03_expr_idx); it is counted as the partitioned index it belongs to.
    const parentIndex = (name: string) =>
      name.replace(/^users_search_p\d\d_expr_idx$/, "users_search_text_trgm").replace(/^users_search_p\d\d_org_id_name_key_id_email_key_idx$/, "users_search_org_name");
    const used = [...new Set([...plan.matchAll(/(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\w+)/g)].map((m) => parentIndex(m[1]!)))];
    const seqScan = /Seq Scan on users(_search(_p\d\d)?)?\b/.test(plan);
    const missing = s.expect.filter((alts) => !alts.split("|").some((i) => used.includes(i)));
    const ok = missing.length === 0 && !seqScan;
    const exec = [...plan.matchAll(/Execution Time: ([\d.]+)/g)].map((m) => m[1]).join(" + ");
    console.log(
      `    ${pad(s.label, 40)} ${ok ? "ok    " : "MISSED"} uses ${used.join(", ") || "no index"}${seqScan ? ", SEQ SCAN" : ""}` +
        (missing.length ? `; expected ${missing.join(", ")}` : "") +
        (exec ? ` (${exec} ms)` : ""),
    );
    fig.planVerdicts.push([s.label, used.join(", ") + (seqScan ? " + seq scan" : ""), ok]);
    if (opt.plans || !ok) {
      for (const q of pageStatements) console.log(`      ${q.text}\n      params: ${JSON.stringify(q.params)}`);
      console.log(plan.replace(/^/gm, "      | "));
    }
  }
  // The capped exact count that countUsers runs when the planner's estimate is small enough.
  for (const [label, filter] of [["whole org", {}], [`q="lovelace"`, { q: "lovelace" }], [`q="${RARE_TERM}"`, { q: RARE_TERM }]] as const) {
    const { queries } = await capture(db, () => countUsers(db, listFilter(orgId, filter)));
    const capped = queries.find((q) => /count\(\*\)/.test(q.text));
    if (!capped) {
      console.log(`    ${pad(`countUsers capped count, ${label}`, 40)}        skipped: the estimate alone answers`);
      continue;
    }
    const plan = await explain(db, capped);
    const used = [...new Set([...plan.matchAll(/(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\w+)/g)].map((m) => m[1]!))];
    const exec = /Execution Time: ([\d.]+)/.exec(plan)?.[1];
    const removed = /Rows Removed by Filter: (\d+)/.exec(plan)?.[1];
    console.log(
      `    ${pad(`countUsers capped count, ${label}`, 40)}        ` +
        (/Seq Scan/.test(plan) ? `seq scan until 1001 matches${removed ? ` (${fmtN(Number(removed))} rows filtered out)` : ""}` : `uses ${used.join(", ")}`) +
        (exec ? ` (${exec} ms)` : ""),
    );
    if (opt.plans) console.log(plan.replace(/^/gm, "      | "));
  }
  return fig;
}

// ---------------------------------------------------------------------------------------------
// Engines

async function runPglite(): Promise<Figures> {
  const dir = pgliteDir(opt["data-dir"]!, N);
  preparePgliteDir(dir);
  const database = await openDatabase({ kind: "pglite", dataDir: dir });
  try {
    return await benchEngine(database);
  } finally {
    await database.close();
  }
}

async function runPostgres(): Promise<Figures | null> {
  const target = await benchPostgres(opt.keep!);
  if (!target) return null;
  const database = await openDatabase({ kind: "postgres", url: target.url, poolSize: 4 });
  try {
    return await benchEngine(database, target.url);
  } finally {
    await database.close();
    if (target.drop) await target.drop();
  }
}

async function main() {
  console.log(`bench:list-users — ${fmtN(N)} users, node ${process.version}, ${new Date().toISOString()}`);
  const results: Figures[] = [];
  if (opt.engine !== "postgres") results.push(await runPglite());
  if (opt.engine !== "pglite") {
    const r = await runPostgres();
    if (r) results.push(r);
  }
  console.log(`\n=== summary at ${fmtN(N)} users ===`);
  for (const r of results) {
    console.log(`\n${r.engine}${r.seedMs !== null ? ` (seeded this run in ${(r.seedMs / 1000).toFixed(1)} s)` : ""}`);
    for (const [label, measured, goal, verdict] of r.rows) {
      console.log(`  ${pad(label, 52)} ${pad(measured, 22)} ${pad(goal, 40)} ${verdict}`);
    }
    const missed = r.planVerdicts.filter(([, , ok]) => !ok);
    console.log(`  plans: ${r.planVerdicts.length - missed.length}/${r.planVerdicts.length} use the expected index` +
      (missed.length ? `; MISSED: ${missed.map(([l, u]) => `${l} (${u})`).join("; ")}` : ""));
  }
}

main().catch((err) => {
  console.error("bench:list-users failed:", err);
  process.exit(1);
});
