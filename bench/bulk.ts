// Bulk delete, deactivate and change role of 1,000 and 5,000 users, with one outcome per user,
// through the real core on PGlite and Postgres. It only prints; nothing here asserts. See
// bench/README.md ("bulk").
//
//   npm run bench:bulk                                   # 1,000 and 5,000 users, both engines
//   npm run bench:bulk -- --sizes 1000 --engine postgres --runs 5
//
// Figures, each the median of --runs runs on fresh users (every 10th with an API key, every
// 10th invited with a pending invitation, so the cascades and revocations have work to do):
//   core     one core call with every id: what a REST call or a server action runs (the actions
//            are one-line wrappers over it; HTTP and the session check are not included)
//   merge    after the core call: the background merge of the trigram indexes' pending entries
//            it left (lib/db/search-index.ts), off the request's path; until it is done
//   preview  the dialog's dry run of the same ids (locks, checks, counts what goes with each)
//   ui run   what the dialog sends after the preview: chunks of EXECUTE_CHUNK (1,000) ids, one call each, the
//            arguments and outcomes JSON-encoded and decoded as the action transport does
//   raw SQL  the baseline: one statement doing the same change with no checks, no audit and no
//            outcomes (delete … where id = any($1) / update …)
//   1 by 1   the single-user operation (core.delete / deactivate / changeRole) per user, timed
//            on 25 users and multiplied out: what a loop over the API would cost
import { randomBytes } from "node:crypto";
import os from "node:os";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import pg from "pg";
import { openDatabase, queryRows, type Database, type Db } from "../lib/db/client";
import { mergePendingSearchEntries } from "../lib/db/search-index";
import { organizations, users } from "../lib/db/schema";
import { createUsersCore, type BulkItemResult, type Principal, type UsersCore } from "../lib/users";
import { EXECUTE_CHUNK } from "../components/users/bulk-report";

const { values: opt } = parseArgs({
  options: {
    sizes: { type: "string", default: "1000,5000" },
    engine: { type: "string", default: "both" },
    runs: { type: "string", default: "3" },
    keep: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (opt.help) {
  console.log(`usage: npm run bench:bulk -- [--sizes 1000,5000] [--engine both|pglite|postgres] [--runs 3] [--keep]
Postgres: BENCH_DATABASE_URL, else a throwaway database on BENCH_PG_ADMIN_URL
(default postgres://postgres@127.0.0.1:5432/postgres), dropped at the end unless --keep.`);
  process.exit(0);
}
const SIZES = opt.sizes!.split(",").map((s) => Number(s.replace(/_/g, "")));
const RUNS = Math.max(1, Number(opt.runs));
const ONE_BY_ONE = 25;
const GOAL_MS = 150;

type Op = "delete" | "deactivate" | "role";
const OPS: Op[] = ["delete", "deactivate", "role"];
const DONE: Record<Op, BulkItemResult["outcome"]> = { delete: "deleted", deactivate: "deactivated", role: "updated" };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
const pad = (s: string, n: number) => s.padEnd(n);
const lpad = (s: string, n: number) => s.padStart(n);
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(" ");

interface World {
  db: Db;
  core: UsersCore;
  orgId: string;
  admin: Principal;
}

async function setup(database: Database): Promise<World> {
  const { db } = database;
  const slug = `bench-bulk-${randomBytes(3).toString("hex")}`;
  const [org] = await db.insert(organizations).values({ name: slug, slug }).returning();
  const mk = (n: number) => ({
    orgId: org!.id, email: `admin${n}@${slug}.test`, emailKey: `admin${n}@${slug}.test`, name: `Admin ${n}`,
    role: "admin" as const, status: "active" as const,
  });
  const [admin] = await db.insert(users).values([mk(1), mk(2)]).returning();
  const core = createUsersCore(db, { appUrl: "http://bench.test" });
  return {
    db, core, orgId: org!.id,
    admin: { kind: "session", userId: admin!.id, orgId: org!.id, email: admin!.email, role: "admin", sessionVersion: admin!.sessionVersion },
  };
}

let batch = 0;
/** n fresh managers (set-based); every 10th has an API key, every 10th (others) is invited. */
async function freshUsers(w: World, n: number): Promise<string[]> {
  const tag = `b${++batch}-${randomBytes(2).toString("hex")}`;
  const rows = await queryRows<{ id: string }>(
    w.db,
    sql`insert into users (org_id, email, email_key, name, role, status)
        select ${w.orgId}, ${tag} || '-' || g || '@bulk.test', ${tag} || '-' || g || '@bulk.test', 'Bulk ' || g, 'manager',
               case when g % 10 = 5 then 'invited' else 'active' end::user_status
        from generate_series(1, ${n}) g order by g returning id`,
  );
  const ids = rows.map((r) => r.id);
  await queryRows(
    w.db,
    sql`insert into api_keys (org_id, user_id, name, prefix, secret_hash, scopes)
        select ${w.orgId}, id, 'bench', 'rk_' || substr(md5(id::text), 1, 12), md5(id::text || 'x'), array['users:read','users:write']
        from users where id = any(${sql.param(ids.filter((_, i) => i % 10 === 0))}::uuid[])`,
  );
  await queryRows(
    w.db,
    sql`insert into invitations (user_id, kind, token_hash, expires_at, created_by)
        select id, 'invitation', md5(id::text || 'inv'), now() + interval '7 days', ${w.admin.userId}
        from users where id = any(${sql.param(ids.filter((_, i) => i % 10 === 5))}::uuid[])`,
  );
  // Created through the core, these users' trigram entries would be merged after the commit:
  // each figure starts, as a request does, with the search indexes' pending lists merged.
  await w.core.searchIndex.idle();
  await mergePendingSearchEntries(w.db);
  return ids;
}

function bulkCall(w: World, op: Op, input: Record<string, unknown>) {
  if (op === "delete") return w.core.bulkDelete(w.admin, input);
  if (op === "deactivate") return w.core.bulkDeactivate(w.admin, input);
  return w.core.bulkChangeRole(w.admin, { ...input, role: "auditor" });
}

function rawSql(w: World, op: Op, ids: string[]) {
  const list = sql`${sql.param(ids)}::uuid[]`;
  if (op === "delete") return queryRows(w.db, sql`delete from users where id = any(${list})`);
  if (op === "deactivate") return queryRows(w.db, sql`update users set status = 'deactivated', deactivated_at = now() where id = any(${list})`);
  return queryRows(w.db, sql`update users set role = 'auditor' where id = any(${list})`);
}

function oneCall(w: World, op: Op, id: string) {
  if (op === "delete") return w.core.delete(w.admin, id);
  if (op === "deactivate") return w.core.deactivate(w.admin, id);
  return w.core.changeRole(w.admin, id, { role: "auditor" });
}

async function time(f: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await f();
  return performance.now() - t;
}

function check(out: BulkItemResult[], n: number, op: Op, what: string) {
  const done = out.filter((r) => r.outcome === DONE[op]).length;
  if (out.length !== n || done !== n) console.log(`  !! ${what}: ${out.length} outcomes, ${done} ${DONE[op]} (expected ${n})`);
}

/** The dialog's run: chunks of EXECUTE_CHUNK, each call's arguments and answer through JSON. */
async function uiRun(w: World, op: Op, ids: string[]) {
  const out: BulkItemResult[] = [];
  for (let i = 0; i < ids.length; i += EXECUTE_CHUNK) {
    const args = JSON.parse(JSON.stringify({ items: ids.slice(i, i + EXECUTE_CHUNK) })) as Record<string, unknown>;
    const answer = await bulkCall(w, op, args);
    out.push(...(JSON.parse(JSON.stringify({ ok: true, data: answer })) as { data: BulkItemResult[] }).data);
  }
  return out;
}

interface Row { op: Op; n: number; core: number; merge: number; preview: number; ui: number; raw: number; oneByOne: number }

async function benchEngine(database: Database, kind: string): Promise<Row[]> {
  const w = await setup(database);
  // Warm-up: plans, JIT, the core's first transaction.
  for (const op of OPS) {
    const ids = await freshUsers(w, 200);
    await bulkCall(w, op, { ids, dryRun: true });
    await bulkCall(w, op, { ids });
  }
  const rows: Row[] = [];
  header(kind);
  for (const op of OPS) {
    const singles = await freshUsers(w, ONE_BY_ONE);
    const perUser: number[] = [];
    for (const id of singles) perUser.push(await time(() => oneCall(w, op, id)));
    const single = median(perUser);
    for (const n of SIZES) {
      const core: number[] = [], merge: number[] = [], preview: number[] = [], ui: number[] = [], raw: number[] = [];
      for (let r = 0; r < RUNS; r++) {
        const a = await freshUsers(w, n);
        let out: BulkItemResult[] = [];
        preview.push(await time(async () => (out = await bulkCall(w, op, { ids: a, dryRun: true }))));
        check(out, n, op, "preview");
        core.push(await time(async () => (out = await bulkCall(w, op, { ids: a }))));
        check(out, n, op, "core");
        merge.push(await time(() => w.core.searchIndex.idle()));
        const b = await freshUsers(w, n);
        ui.push(await time(async () => (out = await uiRun(w, op, b))));
        check(out, n, op, "ui run");
        const c = await freshUsers(w, n);
        raw.push(await time(() => rawSql(w, op, c)));
      }
      const row: Row = { op, n, core: median(core), merge: median(merge), preview: median(preview), ui: median(ui), raw: median(raw), oneByOne: single * n };
      rows.push(row);
      printRow(kind, row);
    }
  }
  return rows;
}

function header(kind: string) {
  console.log(`\n${kind}  (median of ${RUNS} runs each; load average now ${load()})`);
  console.log(`${pad("operation", 12)}${lpad("users", 7)}${lpad("core ms", 10)}${lpad("µs/user", 9)}${lpad("merge", 8)}${lpad("preview", 10)}${lpad("ui run", 10)}${lpad("raw SQL", 10)}${lpad("core/raw", 10)}${lpad("1-by-1 ms", 11)}${lpad("speed-up", 10)}  goal`);
}

/** One figure line, printed as soon as it is measured (a slow engine still shows progress). */
function printRow(kind: string, r: Row) {
  const goal = kind === "Postgres" && r.n === 1000 ? (r.core <= GOAL_MS && r.ui <= GOAL_MS ? `≤ ${GOAL_MS} ms: met` : `≤ ${GOAL_MS} ms: core ${r.core <= GOAL_MS ? "met" : "missed"}, ui run ${r.ui <= GOAL_MS ? "met" : "missed"}`) : "";
  console.log(
    `${pad(r.op, 12)}${lpad(r.n.toLocaleString("en-US"), 7)}${lpad(fmt(r.core), 10)}${lpad(((r.core * 1000) / r.n).toFixed(0), 9)}${lpad(fmt(r.merge), 8)}${lpad(fmt(r.preview), 10)}${lpad(fmt(r.ui), 10)}${lpad(fmt(r.raw), 10)}${lpad(`${(r.core / r.raw).toFixed(1)}×`, 10)}${lpad(fmt(r.oneByOne), 11)}${lpad(`${(r.oneByOne / r.core).toFixed(0)}×`, 10)}  ${goal}  (load ${load()})`,
  );
}

async function runPglite() {
  const database = await openDatabase({ kind: "pglite" });
  try {
    await benchEngine(database, "PGlite (in memory)");
  } finally {
    await database.close();
  }
}

async function runPostgres() {
  let url = process.env.BENCH_DATABASE_URL;
  let drop: (() => Promise<void>) | null = null;
  if (!url) {
    const adminUrl = process.env.BENCH_PG_ADMIN_URL || "postgres://postgres@127.0.0.1:5432/postgres";
    const name = `roster_bench_bulk_${randomBytes(4).toString("hex")}`;
    const c = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
    try {
      await c.connect();
      await c.query(`create database ${name}`);
    } catch (err) {
      console.log(`\nPostgres skipped: cannot create a throwaway database on ${new URL(adminUrl).host} (${(err as Error).message}); set BENCH_DATABASE_URL`);
      return;
    } finally {
      await c.end().catch(() => {});
    }
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    url = u.toString();
    if (!opt.keep) {
      drop = async () => {
        const d = new pg.Client({ connectionString: adminUrl });
        await d.connect();
        await d.query(`drop database if exists ${name} with (force)`);
        await d.end();
      };
    }
  }
  const database = await openDatabase({ kind: "postgres", url, poolSize: 4 });
  try {
    await benchEngine(database, "Postgres");
  } finally {
    await database.close();
    if (drop) await drop();
  }
}

console.log(`bench:bulk — sizes ${SIZES.join(", ")}; ${os.cpus().length} CPUs; load average ${load()} (1, 5, 15 min)`);
console.log(`core chunk size ${process.env.BULK_CHUNK_SIZE ?? 1000} (BULK_CHUNK_SIZE); the dialog sends ${EXECUTE_CHUNK} per call`);
if (opt.engine === "both" || opt.engine === "postgres") await runPostgres();
if (opt.engine === "both" || opt.engine === "pglite") await runPglite();
