// The users page at scale, end to end: what the core's list costs on top of its own SQL, the
// tail latency of a mix of searches, keystroke-to-painted-results in Chromium against a
// production build, and the page's own first-load JavaScript. At a million users (configurable),
// on Postgres and on PGlite. It only prints; nothing here asserts a timing. See bench/README.md.
//
//   npm run bench:users-page                              # 1,000,000 users, PGlite + Postgres
//   npm run bench:users-page -- --engine postgres --skip-browser
//   npm run bench:users-page -- --users 200000 --engine pglite
//   npm run bench:users-page -- --js-only                 # figure 4 only (a small organization)
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  closeSync, cpSync, existsSync, lstatSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { chromium, type Browser, type BrowserContext, type Page, type Request } from "@playwright/test";
import { eq, sql } from "drizzle-orm";
import { openDatabase, type Database, type Db } from "../lib/db/client";
import { users } from "../lib/db/schema";
import { hashPassword } from "../lib/security/passwords";
import { createUsersCore, type Principal, type UsersCore } from "../lib/users";
import {
  activeAdmin, benchPostgres, capture, ensureSeeded, fmtMs, fmtN, load, lpad, mark, median, orgIdOf, orgTotal, pad,
  parseUsers, pgliteDir, preparePgliteDir, quantile, rawClient, sleep, type Captured, type RawClient,
} from "./lib";

// ---------------------------------------------------------------------------------------------
// Options

const USAGE = `usage: npm run bench:users-page -- [options]
  --users N          users in the large organization (default 1000000)
  --engine E         pglite | postgres | both (default both; Postgres is skipped if unreachable)
  --runs R           timed runs of each list call for figure 1, interleaved with the raw SQL;
                     medians reported (default 40)
  --search-runs R    passes over the search-term mix for figure 2 (default 10)
  --browser-runs R   searches typed per term in Chromium for figure 3 (default 3)
  --slug NAME        the large organization's slug (default "large", the one db:seed makes)
  --data-dir DIR     where the PGlite bench database is kept and reused (default .roster/bench,
                     shared with bench:list-users: DIR/pglite-N)
  --build-dir DIR    where the production build is made: a copy of the project's files with
                     node_modules hard-linked (default $TMPDIR/roster-bench-users-page), so that
                     the project's own .next and any server running from it are left alone
  --ref REV          build a commit (git archive) instead of the working tree's files
  --rebuild          rebuild even if the copied sources have not changed since the last build
  --skip-browser     figures 1 and 2 only (no build, no server, no Chromium)
  --js-only          figure 4 only: build, serve and measure the page's JavaScript, on PGlite
                     with a small organization (--users defaults to 1000 then); no figures 1–3
  --skip-analyze     do not run \`next analyze\` to attribute the page's JS to packages
  --port P           port for \`next start\` (default: a free one)
  --keep             keep the throwaway Postgres database (its URL is printed)
Postgres: BENCH_DATABASE_URL, else DATABASE_URL, else a throwaway database created on
BENCH_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres) and dropped after.
Chromium: CHROMIUM_PATH (default /usr/bin/chromium).`;

const { values: opt } = parseArgs({
  options: {
    users: { type: "string" },
    engine: { type: "string", default: "both" },
    runs: { type: "string", default: "40" },
    "search-runs": { type: "string", default: "10" },
    "browser-runs": { type: "string", default: "3" },
    slug: { type: "string", default: "large" },
    "data-dir": { type: "string", default: path.join(".roster", "bench") },
    "build-dir": { type: "string", default: path.join(tmpdir(), "roster-bench-users-page") },
    ref: { type: "string" },
    rebuild: { type: "boolean", default: false },
    "skip-browser": { type: "boolean", default: false },
    "js-only": { type: "boolean", default: false },
    "skip-analyze": { type: "boolean", default: false },
    port: { type: "string" },
    keep: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (opt.help) {
  console.log(USAGE);
  process.exit(0);
}
const JS_ONLY = opt["js-only"]!;
// The JS does not depend on the organization's size: --js-only seeds a small one.
const N = parseUsers(opt.users ?? (JS_ONLY ? "1000" : "1000000"), 1000);
if (JS_ONLY && opt["skip-browser"]) throw new Error("--js-only needs the browser: drop --skip-browser");
if (JS_ONLY) opt.engine = "pglite";
const RUNS = Math.max(5, Number(opt.runs));
const SEARCH_RUNS = Math.max(1, Number(opt["search-runs"]));
const BROWSER_RUNS = Math.max(1, Number(opt["browser-runs"]));
const SLUG = opt.slug!;
const BROWSER = !opt["skip-browser"];
const BUILD_DIR = path.resolve(opt["build-dir"]!);
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
  "--disable-sync", "--no-first-run", "--disable-quic",
];
if (!["pglite", "postgres", "both"].includes(opt.engine!)) throw new Error(USAGE);

/** The search box's debounce in components/users/users-table.tsx. */
const DEBOUNCE_MS = 250;
const GOALS = {
  overhead: { pglite: 5, postgres: 3 },
  searchP95: { pglite: 75, postgres: 30 },
  keystroke: 100,
  pageJsKb: 45,
};

// The search mix of figure 2. seedLarge makes emails user<g>.<last name>@<slug>.example and
// names "<first> <last>" from 50 × 50 names, so these cover every path of listFilter: common
// substrings (trigram bitmaps or an ordered walk of users_org_name), rare ones (a handful of
// rows), 1–2 character prefixes (the collate "C" btrees), no match, and email fragments.
const rareId = (f: number) => Math.max(1, Math.floor(N * f));
const SEARCH_TERMS: { term: string; kind: string }[] = [
  { term: "lovelace", kind: "common" },
  { term: "grace", kind: "common" },
  { term: "ada lovelace", kind: "common" },
  { term: "son", kind: "common" },
  { term: `user${rareId(0.424242)}.`, kind: "rare" },
  { term: `user${rareId(0.0777)}`, kind: "rare" },
  { term: "ó briain", kind: "rare-ish" },
  { term: "a", kind: "prefix" },
  { term: "k", kind: "prefix" },
  { term: "zo", kind: "prefix" },
  { term: "jo", kind: "prefix" },
  { term: "xyzzy", kind: "no match" },
  { term: "qq", kind: "no match" },
  { term: "lovelace-nobody", kind: "no match" },
  { term: `@${SLUG}.example`, kind: "email" },
  { term: ".hopper@", kind: "email" },
  { term: `user${rareId(0.31415)}.`, kind: "email" },
  { term: "torvalds@l", kind: "email" },
];
// Figure 3 types a subset; each is typed --browser-runs times into a freshly loaded /users.
const BROWSER_TERMS = ["lovelace", `user${rareId(0.424242)}.`, "zo", "xyzzy", ".hopper@"];

// ---------------------------------------------------------------------------------------------
// Helpers

const fmtKb = (b: number) => (b / 1024).toFixed(1) + " KB";

/**
 * The statements one list call sends, grouped as the core runs them: the caller check, the
 * page, then (concurrently) the page's invitations and the total (planner estimate, then the
 * capped count if the estimate is small). The estimate of a filter asked in the last 5 s is
 * reused (searchPlan), so the total may be no statement at all. Replayed on the driver,
 * nothing else in between.
 */
function rawPlan(queries: Captured[]) {
  const byKind = { actor: [] as Captured[], page: [] as Captured[], invitations: [] as Captured[], count: [] as Captured[], other: [] as Captured[] };
  queries.forEach((q, i) => {
    if (i === 0 && /from "users"/.test(q.text) && !/order by/i.test(q.text)) byKind.actor.push(q);
    else if (/^explain/i.test(q.text) || /count\(\*\)/.test(q.text)) byKind.count.push(q);
    else if (/distinct on/i.test(q.text)) byKind.invitations.push(q);
    else if (/order by/i.test(q.text) && /from "users(_search(_p\d\d)?)?"/.test(q.text)) byKind.page.push(q);
    else byKind.other.push(q);
  });
  // A prefix search reads its page as two statements (listFilterParts), run concurrently; a
  // common term alone in name order, as one statement per partition of users_search, in turn.
  const partitioned = byKind.page.length > 0 && byKind.page.every((q) => /from "users_search_p\d\d"/.test(q.text));
  if (byKind.actor.length !== 1 || byKind.page.length < 1 || (byKind.page.length > 2 && !partitioned) || byKind.other.length) {
    throw new Error(`unexpected statements from the list call:\n${queries.map((q) => "  " + q.text).join("\n")}`);
  }
  return { ...byKind, partitioned };
}

async function replay(client: RawClient, plan: ReturnType<typeof rawPlan>): Promise<number> {
  const run = (q: Captured) => client.query(q.text, q.params);
  await run(plan.actor[0]!);
  const pages = [];
  if (plan.partitioned) for (const q of plan.page) pages.push(await run(q));
  else pages.push(...(await Promise.all(plan.page.map(run))));
  // The merged page: the alternatives' rows, each user once, as many as the limit asked for.
  const ids = new Set(pages.flatMap((r) => r.rows.map((row) => JSON.stringify(Object.values(row as object)[0]))));
  // The page's `limit $n` (a later parameter may follow it: the org checked on the join).
  const first = plan.page[0]!;
  const limitAt = Number(/\blimit \$(\d+)/i.exec(first.text)?.[1]);
  const limit = Number(first.params[limitAt - 1]); // (by partition: the first asks for the whole page)
  await Promise.all([
    ...plan.invitations.map(run),
    (async () => {
      for (const q of plan.count) await run(q);
    })(),
  ]);
  return Math.min(ids.size, limit);
}

// ---------------------------------------------------------------------------------------------
// Database preparation

interface Prepared {
  orgId: string;
  principal: Principal;
  total: number;
  adminEmail: string;
  password: string;
  seedMs: number | null;
}

async function prepare(database: Database): Promise<Prepared> {
  const { db } = database;
  const seedMs = await ensureSeeded(db, N, SLUG);
  const orgId = await orgIdOf(db, SLUG);
  const tv = performance.now();
  await db.execute(sql`vacuum analyze users`); // as autovacuum would have by now (see list-users)
  await db.execute(sql`vacuum analyze users_search`);
  console.log(`  vacuum analyze users, users_search: ${fmtMs(performance.now() - tv)}`);
  const { admin, principal } = await activeAdmin(db, orgId, SLUG);
  // Seeded users have a password nobody knows: give this admin one, so the browser can sign in.
  const password = `bench-${randomBytes(12).toString("base64url")}`;
  await db
    .update(users)
    .set({ passwordHash: await hashPassword(password), mustChangePassword: false })
    .where(eq(users.id, admin.id));
  return { orgId, total: await orgTotal(db, orgId), seedMs, adminEmail: admin.email, password, principal };
}

// ---------------------------------------------------------------------------------------------
// Figures 1 and 2: in process, through the core

/** Wall-clock and this process's CPU time (user + system) p50s of a list call and its raw SQL. */
interface Overhead {
  label: string;
  core: number;
  raw: number;
  coreCpu: number;
  rawCpu: number;
}

interface EngineFigures {
  engine: "pglite" | "postgres";
  seedMs: number | null;
  overhead: Overhead[];
  searchP95: number | null;
  searchP50: number | null;
  keystroke: { median: number; medianAfterDebounce: number; samples: number } | null;
  js: JsFigures | null;
}

async function figureOverhead(db: Db, core: UsersCore, p: Principal, engine: "pglite" | "postgres") {
  const goal = GOALS.overhead[engine];
  console.log(`\n(1) list call (caller check + page + total) p50 minus the same statements as raw SQL p50 [${load()}]`);
  console.log(`    ${RUNS} interleaved runs of each after 20 warm-ups; raw = the captured SQL and parameters replayed on the`);
  console.log(`    driver in the core's order (caller, page, then invitations ∥ estimate → capped count)`);
  console.log(`    The CPU columns are this process's CPU time (process.cpuUsage) per call, p50: less moved by other`);
  console.log(`    processes than wall time, which on a loaded machine also counts the time spent waiting for a core.`);
  console.log(`    ${pad("call", 38)}${lpad("core p50", 11)}${lpad("raw p50", 11)}${lpad("core−raw", 11)}   goal ≤ ${goal} ms` +
    `${lpad("core CPU", 11)}${lpad("raw CPU", 10)}${lpad("diff", 10)}`);
  const cases: [string, Record<string, unknown>][] = [
    ["page 1, sort=name (what /users loads)", {}],
    ["sort=-created, limit 100", { sort: "-created", limit: 100 }],
    [`q="lovelace" (common, ~2 %)`, { q: "lovelace" }],
    [`q="user${rareId(0.424242)}." (1 match)`, { q: `user${rareId(0.424242)}.` }],
    [`q="zo" (prefix)`, { q: "zo" }],
  ];
  const out: Overhead[] = [];
  const client = rawClient(db);
  for (const [label, input] of cases) {
    const { result, queries } = await capture(db, () => core.list(p, input));
    const plan = rawPlan(queries);
    const rows = await replay(client, plan);
    const expectedRows = Math.min(result.data.length + (result.nextCursor ? 1 : 0), 101);
    if (rows !== expectedRows) throw new Error(`raw replay of ${label} read ${rows} rows, the core ${expectedRows}`);
    // A call that takes seconds (see the prefix search below) gets 5 runs after 1 warm-up.
    const t0 = performance.now();
    await core.list(p, input);
    const slow = performance.now() - t0 > 250;
    const runs = slow ? Math.min(RUNS, 5) : RUNS;
    for (let i = 0; i < (slow ? 1 : 20); i++) {
      await core.list(p, input);
      await replay(client, plan);
    }
    const coreMs: number[] = [];
    const rawMs: number[] = [];
    const coreCpu: number[] = [];
    const rawCpu: number[] = [];
    for (let i = 0; i < runs; i++) {
      // Alternate which goes first, so neither side always runs on the other's warm caches.
      const order = i % 2 ? ["raw", "core"] : ["core", "raw"];
      for (const side of order) {
        const t = performance.now();
        const cpu = process.cpuUsage();
        if (side === "core") await core.list(p, input);
        else await replay(client, plan);
        const wall = performance.now() - t;
        const used = process.cpuUsage(cpu);
        (side === "core" ? coreMs : rawMs).push(wall);
        (side === "core" ? coreCpu : rawCpu).push((used.user + used.system) / 1000);
      }
    }
    const c = median(coreMs);
    const r = median(rawMs);
    const cc = median(coreCpu);
    const rc = median(rawCpu);
    out.push({ label, core: c, raw: r, coreCpu: cc, rawCpu: rc });
    console.log(`    ${pad(label, 38)}${lpad(fmtMs(c), 11)}${lpad(fmtMs(r), 11)}${lpad(fmtMs(c - r), 11)}   ${mark(c - r <= goal)}` +
      `${lpad(fmtMs(cc), 11)}${lpad(fmtMs(rc), 10)}${lpad(fmtMs(cc - rc), 10)}` +
      `   (${queries.length} statements${slow ? `; slow, so ${runs} runs` : ""})`);
  }
  return out;
}

async function figureSearchMix(core: UsersCore, p: Principal, engine: "pglite" | "postgres") {
  const goal = GOALS.searchP95[engine];
  console.log(`\n(2) search mix through core.list (page 1, sort=name, limit 50, with its total): ${SEARCH_TERMS.length} terms × ${SEARCH_RUNS} passes [${load()}]`);
  for (const { term } of SEARCH_TERMS) await core.list(p, { q: term }); // one untimed pass
  const samples = new Map<string, number[]>(SEARCH_TERMS.map((t) => [t.term, []]));
  const totals = new Map<string, string>();
  for (let pass = 0; pass < SEARCH_RUNS; pass++) {
    // A different order each pass (deterministic), so no term always follows the same one.
    const order = SEARCH_TERMS.map((t, i) => ({ t, k: (i * 7 + pass * 11) % SEARCH_TERMS.length })).sort((a, b) => a.k - b.k || a.t.term.localeCompare(b.t.term));
    for (const { t } of order) {
      const start = performance.now();
      const r = await core.list(p, { q: t.term });
      samples.get(t.term)!.push(performance.now() - start);
      totals.set(t.term, `${r.totalExact ? "" : "~"}${fmtN(r.total)}`);
    }
  }
  console.log(`    ${pad("term", 22)}${pad("kind", 10)}${lpad("matches", 12)}${lpad("p50", 10)}${lpad("max", 10)}`);
  for (const { term, kind } of SEARCH_TERMS) {
    const xs = samples.get(term)!;
    console.log(`    ${pad(JSON.stringify(term), 22)}${pad(kind, 10)}${lpad(totals.get(term)!, 12)}${lpad(fmtMs(median(xs)), 10)}${lpad(fmtMs(Math.max(...xs)), 10)}`);
  }
  const all = [...samples.values()].flat();
  const p95 = quantile(all, 0.95);
  const p50 = median(all);
  const byKind = new Map<string, number[]>();
  for (const { term, kind } of SEARCH_TERMS) byKind.set(kind, [...(byKind.get(kind) ?? []), ...samples.get(term)!]);
  console.log(`    per kind p95: ${[...byKind].map(([k, xs]) => `${k} ${fmtMs(quantile(xs, 0.95))}`).join(", ")}`);
  console.log(`    all ${all.length} calls: p50 ${fmtMs(p50)}, p95 ${fmtMs(p95)}   goal p95 ≤ ${goal} ms  ${mark(p95 <= goal)}`);
  return { p50, p95 };
}

// ---------------------------------------------------------------------------------------------
// The production build (a copy of the project, so its own .next and servers are left alone)

function sourceFiles(root: string): string[] {
  const r = spawnSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ls-files failed: ${r.stderr}`);
  return r.stdout
    .split("\0")
    .filter((f) => f && existsSync(path.join(root, f)) && !lstatSync(path.join(root, f)).isDirectory())
    // What the app's build cannot depend on: changing a bench or a test needs no rebuild.
    .filter((f) => !/^(bench|e2e)\//.test(f) && !/\.test\.tsx?$/.test(f));
}

function ensureBuild(): { buildId: string; built: boolean; ms: number } {
  const root = process.cwd();
  const ref = opt.ref ? spawnSync("git", ["rev-parse", "--verify", `${opt.ref}^{commit}`], { cwd: root, encoding: "utf8" }).stdout.trim() : null;
  if (opt.ref && !ref) throw new Error(`--ref ${opt.ref} is not a commit`);
  const files = ref ? [] : sourceFiles(root).sort();
  const hash = createHash("sha256");
  if (ref) hash.update(`commit ${ref}`);
  for (const f of files) hash.update(f).update("\0").update(readFileSync(path.join(root, f))).update("\0");
  // What is installed counts too (npm writes this file on every install).
  const installed = path.join(root, "node_modules", ".package-lock.json");
  if (existsSync(installed)) hash.update(readFileSync(installed));
  const digest = hash.digest("hex");
  const stamp = path.join(BUILD_DIR, ".bench-sources.sha256");
  const current = existsSync(stamp) && existsSync(path.join(BUILD_DIR, ".next", "BUILD_ID")) ? readFileSync(stamp, "utf8").trim() : null;
  if (current === digest && !opt.rebuild) {
    console.log(`build: ${BUILD_DIR} is up to date with the project's files (--rebuild to redo it)`);
    return { buildId: readFileSync(path.join(BUILD_DIR, ".next", "BUILD_ID"), "utf8").trim(), built: false, ms: 0 };
  }
  const head = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).stdout.trim();
  const dirty = spawnSync("git", ["status", "--porcelain"], { cwd: root, encoding: "utf8" }).stdout.split("\n").filter(Boolean).length;
  mkdirSync(BUILD_DIR, { recursive: true });
  for (const entry of readdirSync(BUILD_DIR)) rmSync(path.join(BUILD_DIR, entry), { recursive: true, force: true });
  if (ref) {
    console.log(`build: exporting commit ${ref.slice(0, 12)} (--ref ${opt.ref}) to ${BUILD_DIR} and running next build…`);
    const tar = spawnSync("sh", ["-c", `git archive --format=tar ${ref} | tar -x -C "${BUILD_DIR}"`], { cwd: root, encoding: "utf8" });
    if (tar.status !== 0) throw new Error(`git archive failed: ${tar.stderr}`);
  } else {
    console.log(`build: copying ${files.length} project files (HEAD ${head}${dirty ? ` + ${dirty} uncommitted changes` : ""}) to ${BUILD_DIR} and running next build…`);
    for (const f of files) {
      mkdirSync(path.dirname(path.join(BUILD_DIR, f)), { recursive: true });
      cpSync(path.join(root, f), path.join(BUILD_DIR, f));
    }
  }
  // node_modules as it is now, hard-linked: a second and no extra space. (A symlink would point
  // out of Turbopack's root.) Falls back to a copy across file systems.
  const r0 = spawnSync("cp", ["-al", path.join(root, "node_modules"), path.join(BUILD_DIR, "node_modules")]);
  if (r0.status !== 0) {
    rmSync(path.join(BUILD_DIR, "node_modules"), { recursive: true, force: true });
    cpSync(path.join(root, "node_modules"), path.join(BUILD_DIR, "node_modules"), { recursive: true });
  }
  const t = performance.now();
  const r = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
    cwd: BUILD_DIR,
    env: { ...cleanEnv(), NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
  });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`next build failed:\n${r.stdout}\n${r.stderr}`);
  writeFileSync(stamp, digest + "\n");
  console.log(`build: done in ${(ms / 1000).toFixed(0)} s`);
  return { buildId: readFileSync(path.join(BUILD_DIR, ".next", "BUILD_ID"), "utf8").trim(), built: true, ms };
}

/** The environment without this process's database settings (the server gets its own). */
function cleanEnv(): NodeJS.ProcessEnv {
  const e = { ...process.env };
  for (const k of ["DATABASE_URL", "ROSTER_DATA_DIR", "BENCH_DATABASE_URL", "PORT", "APP_URL", "NODE_ENV", "NODE_OPTIONS"]) delete e[k];
  return e;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface Server {
  url: string;
  child: ChildProcess;
  log: string;
  stop(): Promise<void>;
}

async function startServer(engine: "pglite" | "postgres", db: { url?: string; dataDir?: string }): Promise<Server> {
  const port = opt.port ? Number(opt.port) : await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = path.join(BUILD_DIR, `server-${engine}.log`);
  const fd = openSync(log, "w");
  const env: NodeJS.ProcessEnv = {
    ...cleanEnv(),
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(port),
    APP_URL: url,
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    ROSTER_SEED: "none",
    ...(db.url ? { DATABASE_URL: db.url } : { ROSTER_DATA_DIR: db.dataDir! }),
  };
  const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: BUILD_DIR,
    env,
    stdio: ["ignore", fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const done = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!done) {
        child.kill("SIGKILL");
        await exited;
      }
    }
  };
  const t = performance.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}); see ${log}:\n${readFileSync(log, "utf8").slice(-3000)}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (performance.now() - t > 300_000) {
      await stop();
      throw new Error(`next start did not become healthy in 5 minutes; see ${log}`);
    }
    await sleep(250);
  }
  console.log(`  next start on ${url} (${engine}), healthy after ${((performance.now() - t) / 1000).toFixed(1)} s; log ${log}`);
  return { url, child, log, stop };
}

// ---------------------------------------------------------------------------------------------
// Figure 3: keystroke to painted results, in Chromium

async function signIn(browser: Browser, base: string, email: string, password: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.getByRole("textbox", { name: "Email" }).fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/sign-in"), { timeout: 60_000 });
  await page.close();
  return context;
}

/**
 * Installed in the page before typing: timestamps of the input events and of the results
 * painted. (A string, not a function: tsx's esbuild would wrap named inner functions in a
 * helper that does not exist in the page.)
 */
const PROBE_JS = `(arg) => {
  const box = document.querySelector('input[aria-label="Search users"]');
  const state = { lastInput: 0, shown: 0, painted: 0, inputs: 0, echo: [] };
  window.__bench = state;
  box.addEventListener("input", (e) => {
    state.lastInput = performance.now();
    state.inputs += 1;
    // Each keystroke's echo: from the key's event to the frame that shows it (React re-renders
    // the table component on every keystroke).
    const t0 = e.timeStamp;
    requestAnimationFrame(() => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => { state.echo.push(performance.now() - t0); };
      ch.port2.postMessage(0);
    });
  });
  const done = () => {
    if (!state.lastInput || state.shown) return false;
    if (box.value !== arg.term) return false;
    const status = document.querySelector('p[aria-live="polite"]')?.textContent ?? "";
    if (!status.includes("match") || status.includes("Loading")) return false;
    if (document.querySelector('[aria-busy="true"]')) return false;
    if (arg.firstEmail === null) {
      return [...document.querySelectorAll("p")].some((p) => p.textContent === "No users match these filters.");
    }
    const first = document.querySelector('table[aria-label="Users"] tbody tr td:nth-child(3)')?.textContent?.trim() ?? null;
    return first === arg.firstEmail;
  };
  const check = () => {
    if (!done()) return;
    state.shown = performance.now();
    // The frame that contains these DOM changes: rAF runs just before its paint, and a message
    // posted from there is delivered just after it.
    requestAnimationFrame(() => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => { state.painted = performance.now(); };
      ch.port2.postMessage(0);
    });
  };
  new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  // A safety net in case the last DOM change lands before the status text settles.
  const poll = () => { check(); if (!state.shown) requestAnimationFrame(poll); };
  requestAnimationFrame(poll);
}`;

/** Read after the results are painted: the timings, and the request the search made (its rows
 *  from /users/rows; an RSC request of /users before the table fetched its own rows). */
const RESULT_JS = `(() => {
  const s = window.__bench;
  const rsc = performance.getEntriesByType("resource")
    .filter((e) => (e.name.includes("/users/rows") || e.name.includes("_rsc=")) && e.name.includes("q=") && e.startTime >= s.lastInput)
    .sort((a, b) => a.startTime - b.startTime)[0];
  // Other server requests in the same window: link prefetches competing for the same CPU.
  const others = performance.getEntriesByType("resource")
    .filter((e) => e.name.includes("_rsc=") && e !== rsc && e.startTime >= s.lastInput && e.startTime <= s.painted).length;
  return {
    others,
    echo: s.echo,
    total: s.painted - s.lastInput,
    fetchStart: rsc ? rsc.startTime - s.lastInput : null,
    server: rsc ? rsc.responseEnd - rsc.startTime : null,
    render: rsc ? s.painted - rsc.responseEnd : null,
  };
})()`;

interface KeystrokeSample {
  term: string;
  total: number; // last keystroke → painted
  fetchStart: number | null; // last keystroke → rows request sent
  server: number | null; // rows request → response end
  render: number | null; // response end → painted
  others: number; // other RSC requests (prefetches) started while waiting
  echo: number[]; // each keystroke: its event → the frame showing it
}

/**
 * Polls an expression in the page. (page.waitForFunction evaluates its string with eval inside
 * the page, which the app's CSP refuses; page.evaluate goes through the debugger protocol.)
 */
async function waitInPage(page: Page, expr: string, timeoutMs = 60_000) {
  const start = Date.now();
  while (!(await page.evaluate(expr))) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${expr}`);
    await sleep(20);
  }
}

const inflight = new WeakMap<Page, Set<Request>>();
let stuckNoted = false;

/** Counts the page's requests in flight (Playwright's "networkidle" never came on /users). */
function trackRequests(page: Page) {
  const set = new Set<Request>();
  inflight.set(page, set);
  page.on("request", (r) => set.add(r));
  page.on("requestfinished", (r) => set.delete(r));
  page.on("requestfailed", (r) => set.delete(r));
}

/**
 * Loads /users and waits until React has hydrated the search box and the page's own requests
 * (the link prefetches of the nav and the stats, which render /users?status=… on the server)
 * have stopped for 300 ms, so that typing starts on an idle page and an idle server.
 */
async function loadUsersPage(page: Page) {
  await page.goto("/users", { waitUntil: "load" });
  await waitInPage(
    page,
    `(() => { const el = document.querySelector('input[aria-label="Search users"]');
      return !!el && Object.keys(el).some((k) => k.startsWith("__reactProps")); })()`,
  );
  const set = inflight.get(page)!;
  const start = Date.now();
  let quietSince = Date.now();
  while (Date.now() - start < 10_000) {
    if (set.size > 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= 300) return;
    await sleep(25);
  }
  if (!stuckNoted) {
    stuckNoted = true;
    console.log(`    (note: requests still open 10 s after loading /users, not waited for again: ${[...set].map((r) => `${r.method()} ${r.url()}`).join(", ")})`);
  }
  set.clear();
}

async function typeSearch(page: Page, term: string, firstEmail: string | null): Promise<KeystrokeSample> {
  await loadUsersPage(page);
  const box = page.getByRole("searchbox", { name: "Search users" });
  const initialFirst = await page.locator('table[aria-label="Users"] tbody tr td:nth-child(3)').first().textContent();
  if (firstEmail !== null && initialFirst?.trim() === firstEmail) {
    throw new Error(`term ${JSON.stringify(term)}: its first row is the unfiltered page's first row; pick another term`);
  }
  await page.evaluate(`(${PROBE_JS})(${JSON.stringify({ term, firstEmail })})`);
  await box.click();
  // 40 ms between keys: well under the debounce, so only the last keystroke's timer fires.
  await page.keyboard.type(term, { delay: 40 });
  await waitInPage(page, "window.__bench.painted > 0");
  const r = (await page.evaluate(RESULT_JS)) as Omit<KeystrokeSample, "term">;
  return { term, ...r };
}

async function figureKeystroke(browser: Browser, server: Server, prep: Prepared, expected: Map<string, string | null>) {
  console.log(`\n(3) keystroke → results painted in Chromium (production build): ${BROWSER_TERMS.length} terms × ${BROWSER_RUNS}, typed 40 ms/key [${load()}]`);
  console.log(`    timed from the last keystroke's input event to the frame after the table shows the term's first row`);
  console.log(`    (MutationObserver → requestAnimationFrame → message); includes the ${DEBOUNCE_MS} ms debounce`);
  const context = await signIn(browser, server.url, prep.adminEmail, prep.password);
  const page = await context.newPage();
  trackRequests(page);
  try {
    // Warm the server's route modules and the browser's cache; not timed.
    for (const term of [BROWSER_TERMS[0]!, BROWSER_TERMS[2]!]) await typeSearch(page, term, expected.get(term)!);
    const samples: KeystrokeSample[] = [];
    for (let run = 0; run < BROWSER_RUNS; run++) {
      for (const term of BROWSER_TERMS) samples.push(await typeSearch(page, term, expected.get(term)!));
    }
    const f = (x: number | null) => (x === null ? "—" : fmtMs(x));
    const med = (xs: (number | null)[]) => {
      const v = xs.filter((x): x is number => x !== null);
      return v.length ? median(v) : null;
    };
    console.log(`    ${pad("term", 20)}${lpad("painted", 10)}${lpad("−debounce", 11)}${lpad("→request", 10)}${lpad("request", 10)}${lpad("render", 10)}`);
    for (const term of BROWSER_TERMS) {
      const s = samples.filter((x) => x.term === term);
      const tot = median(s.map((x) => x.total));
      console.log(`    ${pad(JSON.stringify(term), 20)}${lpad(fmtMs(tot), 10)}${lpad(fmtMs(tot - DEBOUNCE_MS), 11)}` +
        `${lpad(f(med(s.map((x) => x.fetchStart))), 10)}${lpad(f(med(s.map((x) => x.server))), 10)}${lpad(f(med(s.map((x) => x.render))), 10)}`);
    }
    // The server alone: the rows request the search makes (/users/rows), with the session's
    // cookie, from Node, 5 times per term; and two floors: a route with one query
    // (/api/health) and a console page with no data of its own (/change-password, as RSC).
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const direct = async (pathname: string, rsc = true) => {
      const xs: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        const res = await fetch(server.url + pathname, { headers: { cookie, ...(rsc ? { RSC: "1" } : {}) }, redirect: "manual" });
        await res.arrayBuffer();
        xs.push(performance.now() - t);
        if (res.status !== 200) return `— (${res.status})`;
      }
      return fmtMs(median(xs));
    };
    // /change-password answers a user who need not change it with a redirect: then no floor.
    const floors = `GET /api/health ${await direct("/api/health", false)}, RSC /change-password ${await direct("/change-password")}`;
    const perTermServer: string[] = [];
    for (const term of BROWSER_TERMS) perTermServer.push(`${JSON.stringify(term)} ${await direct(`/users/rows?q=${encodeURIComponent(term)}`, false)}`);
    console.log(`    server alone, from Node with the session cookie (median of 5): ${floors};`);
    console.log(`      GET /users/rows?q=… (what the search fetches): ${perTermServer.join(", ")}`);
    const echo = samples.flatMap((x) => x.echo);
    console.log(`    typing: keystroke → its frame painted, over ${echo.length} keystrokes: p50 ${fmtMs(median(echo))}, p95 ${fmtMs(quantile(echo, 0.95))}, max ${fmtMs(Math.max(...echo))}`);
    const others = samples.reduce((a, x) => a + x.others, 0);
    if (others) console.log(`    other RSC requests (link prefetches) started while a search was pending: ${others} in ${samples.length} searches`);
    const perTerm = BROWSER_TERMS.map((term) => median(samples.filter((x) => x.term === term).map((x) => x.total)));
    const m = median(perTerm);
    console.log(`    →request: last keystroke to the rows request (the debounce + scheduling); request: until its response ended`);
    console.log(`    (the server's list and transfer); render: response end to painted.`);
    console.log(`    median of the ${BROWSER_TERMS.length} terms' medians: ${fmtMs(m)} including the debounce, ${fmtMs(m - DEBOUNCE_MS)} after it` +
      `   goal ≤ ${GOALS.keystroke} ms after the debounce  ${mark(m - DEBOUNCE_MS <= GOALS.keystroke)}`);
    return { median: m, medianAfterDebounce: m - DEBOUNCE_MS, samples: samples.length };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Figure 4: the users page's own first-load JavaScript

interface JsFigures {
  users: number;
  baseline: number;
  framework: number;
  usersOnly: number;
  vsFramework: number;
}

async function scriptsOf(browser: Browser, base: string, pathname: string, storage?: Awaited<ReturnType<BrowserContext["storageState"]>>) {
  // A fresh context each time, so nothing comes from the cache and every script is seen.
  const context = await browser.newContext({ baseURL: base, storageState: storage });
  const page = await context.newPage();
  // First load = the scripts requested before the load event (the page's <script async> tags
  // hold it back); the ones requested after it are prefetches for links, listed apart.
  let loaded = false;
  page.on("load", () => (loaded = true));
  const seen = new Map<string, { body: Promise<Buffer>; first: boolean }>();
  page.on("request", (req) => {
    if (req.resourceType() !== "script") return;
    const first = !loaded;
    seen.set(new URL(req.url()).pathname, {
      first,
      body: req.response().then((r) => (r && r.status() === 200 ? r.body() : Buffer.alloc(0))).catch(() => Buffer.alloc(0)),
    });
  });
  const res = await page.goto(pathname, { waitUntil: "load" });
  await sleep(1500);
  const finalPath = new URL(page.url()).pathname;
  const out = new Map<string, { raw: number; gz: number }>();
  const later = new Map<string, { raw: number; gz: number }>();
  for (const [p, { body, first }] of seen) {
    const buf = await body;
    if (!buf.length) continue;
    (first ? out : later).set(p, { raw: buf.length, gz: gzipSync(buf).length }); // zlib's default level (6), as servers use
  }
  await context.close();
  return { scripts: out, later, status: res?.status() ?? 0, finalPath };
}

const sum = (m: Map<string, { raw: number; gz: number }>, keys?: Iterable<string>) => {
  let raw = 0;
  let gz = 0;
  for (const k of keys ?? m.keys()) {
    raw += m.get(k)?.raw ?? 0;
    gz += m.get(k)?.gz ?? 0;
  }
  return { raw, gz };
};

/** Attributes each chunk's bytes to packages and files with `next analyze` (a separate compile). */
function analyzeChunks(): Map<string, { size: number; parts: Map<string, number> }> | null {
  if (opt["skip-analyze"]) return null;
  const t = performance.now();
  const env = { ...cleanEnv(), NEXT_TELEMETRY_DISABLED: "1" };
  const a = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "analyze", "-o"], { cwd: BUILD_DIR, env, encoding: "utf8" });
  if (a.status !== 0) {
    console.log(`    (next analyze failed, so no attribution: ${(a.stderr || a.stdout).slice(-500)})`);
    return null;
  }
  const e = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "analyze", "export", "--route", "/users"], {
    cwd: BUILD_DIR, env, encoding: "utf8", maxBuffer: 512 * 1024 * 1024,
  });
  if (e.status !== 0) return null;
  // Per output file: its parts (one per source file), with a size and a compressed size each.
  const chunks = new Map<string, { size: number; parts: Map<string, number> }>();
  for (const line of e.stdout.split("\n")) {
    if (!line.includes('"type":"part"') || !line.includes("/static/chunks/")) continue;
    const r = JSON.parse(line) as { filename: string; source_path: string; size: number; compressed_size: number };
    const name = r.filename.split("/").pop()!;
    const c = chunks.get(name) ?? { size: 0, parts: new Map<string, number>() };
    c.size += r.size;
    const src = r.source_path.replace(/^\[project\]\//, "");
    const seg = src.split("/");
    const key = seg[0] === "node_modules" ? seg.slice(0, seg[1]?.startsWith("@") ? 3 : 2).join("/") : src;
    c.parts.set(key, (c.parts.get(key) ?? 0) + r.compressed_size);
    chunks.set(name, c);
  }
  console.log(`    (next analyze: ${((performance.now() - t) / 1000).toFixed(0)} s)`);
  return chunks;
}

async function figureJs(browser: Browser, server: Server, prep: Prepared): Promise<JsFigures> {
  console.log(`\n(4) first-load JavaScript, gzip (zlib level 6, each file on its own), as Chromium loads it [${load()}]`);
  const context = await signIn(browser, server.url, prep.adminEmail, prep.password);
  const storage = await context.storageState();
  await context.close();
  const usersPage = await scriptsOf(browser, server.url, "/users", storage);
  if (usersPage.finalPath !== "/users") throw new Error(`/users ended at ${usersPage.finalPath} (not signed in?)`);
  const notFound = await scriptsOf(browser, server.url, "/bench-no-such-page");
  const signInPage = await scriptsOf(browser, server.url, "/sign-in");
  const console_ = await scriptsOf(browser, server.url, "/", storage);
  const manifest = JSON.parse(readFileSync(path.join(BUILD_DIR, ".next", "build-manifest.json"), "utf8")) as { rootMainFiles: string[] };
  const framework = new Set(manifest.rootMainFiles.map((f) => `/_next/${f}`));
  const missingFw = [...framework].filter((f) => !usersPage.scripts.has(f));
  if (missingFw.length) console.log(`    note: /users did not load these framework chunks: ${missingFw.join(", ")}`);

  const u = sum(usersPage.scripts);
  const nf = sum(notFound.scripts);
  const si = sum(signInPage.scripts);
  const fw = sum(usersPage.scripts, framework);
  const only = [...usersPage.scripts.keys()].filter((k) => !notFound.scripts.has(k));
  const notInConsole = [...usersPage.scripts.keys()].filter((k) => !console_.scripts.has(k));
  const o = sum(usersPage.scripts, only);
  const oc = sum(usersPage.scripts, notInConsole);
  const ofw = sum(usersPage.scripts, [...usersPage.scripts.keys()].filter((k) => !framework.has(k)));
  const row = (label: string, s: { raw: number; gz: number }, n: number | string) =>
    console.log(`    ${pad(label, 58)}${lpad(fmtKb(s.gz), 10)}${lpad(fmtKb(s.raw), 11)}${lpad(String(n), 8)}`);
  console.log(`    ${pad("", 58)}${lpad("gzip", 10)}${lpad("raw", 11)}${lpad("files", 8)}`);
  row("/users (signed in)", u, usersPage.scripts.size);
  row(`minimal page: a 404 (root layout + Next's not-found) [${notFound.status}]`, nf, notFound.scripts.size);
  row("/sign-in", si, signInPage.scripts.size);
  row("shared framework chunks (build manifest rootMainFiles)", fw, framework.size);
  row("/users minus the 404 page's scripts  ← the figure", o, only.length);
  row("/users minus the framework chunks", ofw, usersPage.scripts.size - framework.size);
  row("/users minus / (Overview, same console layout)", oc, notInConsole.length);
  console.log(`    users-page-only JS: ${fmtKb(o.gz)} gzip   goal ≤ ${GOALS.pageJsKb} KB  ${mark(o.gz / 1024 <= GOALS.pageJsKb)}`);
  if (usersPage.later.size) {
    console.log(`    (after the load event /users also fetched ${usersPage.later.size} scripts, ${fmtKb(sum(usersPage.later).gz)} gzip, for prefetched links; not counted)`);
  }

  // Which chunk dominates, and what is in it.
  const chunks = analyzeChunks();
  console.log(`    the users-only chunks, largest first${chunks ? " (contents: next analyze's per-file compressed sizes, scaled to the chunk's gzip)" : ""}:`);
  const byName = new Map<string, { size: number; parts: Map<string, number> }>();
  const matched = new Map<string, { size: number; parts: Map<string, number> }>(); // users chunk → analyzed
  for (const k of only.sort((a, b) => usersPage.scripts.get(b)!.gz - usersPage.scripts.get(a)!.gz)) {
    const s = usersPage.scripts.get(k)!;
    const inConsole = console_.scripts.has(k) ? "  (also on /: the console layout)" : "";
    console.log(`      ${pad(k.replace("/_next/static/chunks/", ""), 22)}${lpad(fmtKb(s.gz), 10)} gzip${lpad(fmtKb(s.raw), 11)} raw${inConsole}`);
    if (!chunks) continue;
    // The analyze compile names its chunks differently and differs by a few bytes: match by
    // the nearest size (within 3 %), each analyzed chunk once.
    let best: [string, { size: number; parts: Map<string, number> }] | null = null;
    for (const c of chunks) {
      if (byName.has(c[0])) continue;
      const d = Math.abs(c[1].size - s.raw) / s.raw;
      if (d < 0.03 && (!best || d < Math.abs(best[1].size - s.raw) / s.raw)) best = c;
    }
    if (!best) {
      console.log(`        (no analyzed chunk of that size)`);
      continue;
    }
    byName.set(best[0], best[1]);
    matched.set(k, best[1]);
    const total = [...best[1].parts.values()].reduce((a, b) => a + b, 0);
    const top = [...best[1].parts].sort((a, b) => b[1] - a[1]);
    const shown = top.slice(0, 12);
    for (const [src, c] of shown) console.log(`        ${pad(src, 52)}${lpad(fmtKb((s.gz * c) / total), 9)}`);
    if (top.length > shown.length) {
      const rest = top.slice(shown.length).reduce((a, [, c]) => a + c, 0);
      console.log(`        ${pad(`(${top.length - shown.length} more)`, 52)}${lpad(fmtKb((s.gz * rest) / total), 9)}`);
    }
  }
  if (chunks && byName.size) {
    // The same, summed over the users-only chunks by family.
    const family = (src: string) =>
      /^node_modules\/(@radix-ui|@floating-ui|react-remove-scroll|react-remove-scroll-bar|aria-hidden|use-sidecar|use-callback-ref|react-style-singleton|get-nonce|tslib)\b/.test(src) ? "Radix UI menus/dialogs and their deps (floating-ui, remove-scroll, …)"
      : /^node_modules\/@tanstack\//.test(src) ? "TanStack Table (+ store)"
      : /^node_modules\/zod\b/.test(src) ? "zod"
      : /^node_modules\/(react-hook-form|@hookform)/.test(src) ? "react-hook-form + resolvers"
      : /^node_modules\/nuqs\b/.test(src) ? "nuqs"
      : /^node_modules\/(next-auth|@babel\/runtime)/.test(src) ? "next-auth/react + @babel/runtime"
      : /^node_modules\/next\b/.test(src) ? "next"
      : /^node_modules\//.test(src) ? "other packages"
      : "the app's own code (components/, lib/, app/)";
    const fam = new Map<string, number>();
    const gzOf = new Map([...usersPage.scripts].map(([k, v]) => [k, v.gz]));
    for (const [k, c] of matched) {
      const total = [...c.parts.values()].reduce((a, b) => a + b, 0);
      for (const [src, n] of c.parts) fam.set(family(src), (fam.get(family(src)) ?? 0) + (gzOf.get(k)! * n) / total);
    }
    console.log(`    by family, over the users-only chunks that were matched:`);
    for (const [f, n] of [...fam].sort((a, b) => b[1] - a[1])) console.log(`      ${pad(f, 62)}${lpad(fmtKb(n), 9)}`);
  }
  return { users: u.gz, baseline: nf.gz, framework: fw.gz, usersOnly: o.gz, vsFramework: ofw.gz };
}

// ---------------------------------------------------------------------------------------------
// One engine

async function benchEngine(
  database: Database,
  where: { url?: string; dataDir?: string; lend?: () => void; giveBack?: () => void },
  browser: Browser | null,
  wantJs: boolean,
): Promise<EngineFigures> {
  const engine = database.kind;
  console.log(`\n=== ${engine} (${database.location}) ===`);
  const prep = await prepare(database);
  const core = createUsersCore(database.db, { appUrl: "http://bench.invalid" });
  const p = prep.principal;
  console.log(`  organization "${SLUG}": ${fmtN(prep.total)} users; signed in as ${prep.adminEmail} (admin)`);
  // Warm the JIT, the driver and the caches (on PGlite the first few dozen calls are slow).
  const fig: EngineFigures = { engine, seedMs: prep.seedMs, overhead: [], searchP95: null, searchP50: null, keystroke: null, js: null };
  if (!JS_ONLY) {
    for (let i = 0; i < 60; i++) await core.list(p, i % 3 === 0 ? { q: SEARCH_TERMS[i % SEARCH_TERMS.length]!.term } : {});
    fig.overhead = await figureOverhead(database.db, core, p, engine);
    const mix = await figureSearchMix(core, p, engine);
    fig.searchP95 = mix.p95;
    fig.searchP50 = mix.p50;
  }
  if (!browser) {
    await database.close();
    return fig;
  }
  const expected = new Map<string, string | null>();
  for (const term of BROWSER_TERMS) expected.set(term, (await core.list(p, { q: term })).data[0]?.email ?? null);
  // Only one process may open a PGlite directory: the server gets it once this one lets go.
  await database.close();
  let server: Server | null = null;
  where.lend?.();
  try {
    server = await startServer(engine, where);
    if (!JS_ONLY) fig.keystroke = await figureKeystroke(browser, server, prep, expected);
    if (wantJs) fig.js = await figureJs(browser, server, prep);
  } finally {
    await server?.stop();
    where.giveBack?.();
  }
  return fig;
}

async function runPglite(browser: Browser | null, wantJs: boolean): Promise<EngineFigures> {
  const dir = pgliteDir(opt["data-dir"]!, N);
  // The app opens <ROSTER_DATA_DIR>/db, and PGlite cannot open a directory through a symlink,
  // so while the server runs the bench database is renamed to <serverDir>/db (same file system,
  // instant) and renamed back after. A run that died in between is repaired here.
  const serverDir = path.resolve(opt["data-dir"]!, `users-page-server-${N}`);
  const lent = path.join(serverDir, "db");
  mkdirSync(serverDir, { recursive: true });
  if (existsSync(lent) && lstatSync(lent).isSymbolicLink()) rmSync(lent);
  if (!existsSync(dir) && existsSync(lent)) {
    renameSync(lent, dir);
    console.log(`\n(moved ${lent} back to ${dir}: an earlier run stopped while its server had it)`);
  }
  preparePgliteDir(dir);
  const database = await openDatabase({ kind: "pglite", dataDir: dir });
  try {
    return await benchEngine(database, {
      dataDir: serverDir,
      lend: () => renameSync(dir, lent),
      giveBack: () => {
        if (existsSync(lent)) renameSync(lent, dir);
      },
    }, browser, wantJs);
  } finally {
    await database.close().catch(() => {});
  }
}

async function runPostgres(browser: Browser | null, wantJs: boolean): Promise<EngineFigures | null> {
  const target = await benchPostgres(opt.keep!);
  if (!target) return null;
  const database = await openDatabase({ kind: "postgres", url: target.url, poolSize: 4 });
  try {
    return await benchEngine(database, { url: target.url }, browser, wantJs);
  } finally {
    await database.close().catch(() => {});
    if (target.drop) await target.drop();
  }
}

async function main() {
  console.log(`bench:users-page — ${fmtN(N)} users, node ${process.version}, ${new Date().toISOString()}, ${load()}`);
  let browser: Browser | null = null;
  if (BROWSER) {
    const b = ensureBuild();
    console.log(`build id ${b.buildId}`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    console.log(`Chromium ${browser.version()}`);
  }
  const results: EngineFigures[] = [];
  try {
    if (opt.engine !== "postgres") results.push(await runPglite(browser, true));
    if (opt.engine !== "pglite") {
      const r = await runPostgres(browser, results.every((x) => !x.js));
      if (r) results.push(r);
    }
  } finally {
    await browser?.close();
  }

  console.log(`\n=== summary at ${fmtN(N)} users ===`);
  for (const r of results) {
    const g = { o: GOALS.overhead[r.engine], s: GOALS.searchP95[r.engine] };
    console.log(`\n${r.engine}${r.seedMs !== null ? ` (seeded this run in ${(r.seedMs / 1000).toFixed(1)} s)` : ""}`);
    const line = (label: string, value: string, goal: string, ok: boolean) => console.log(`  ${pad(label, 50)} ${pad(value, 30)} ${pad(goal, 26)} ${mark(ok)}`);
    if (r.overhead.length) {
      const first = r.overhead[0]!;
      line(`(1) list − raw SQL, p50: ${first.label}`, `${fmtMs(first.core - first.raw)} (${fmtMs(first.core)} − ${fmtMs(first.raw)})`, `goal ≤ ${g.o} ms`, first.core - first.raw <= g.o);
      console.log(`  ${pad(`    (the same in CPU time of this process)`, 50)} ${fmtMs(first.coreCpu - first.rawCpu)} (${fmtMs(first.coreCpu)} − ${fmtMs(first.rawCpu)})`);
      // Calls that take seconds (a slow plan) are left out: their difference is the database's noise.
      const fast = r.overhead.filter((x) => x.raw < 250);
      const worst = fast.reduce((a, b) => (b.core - b.raw > a.core - a.raw ? b : a));
      line(`(1) worst of ${fast.length} calls under 250 ms: ${worst.label}`, `${fmtMs(worst.core - worst.raw)} (${fmtMs(worst.core)} − ${fmtMs(worst.raw)})`, `goal ≤ ${g.o} ms`, worst.core - worst.raw <= g.o);
      const worstCpu = r.overhead.reduce((a, b) => (b.coreCpu - b.rawCpu > a.coreCpu - a.rawCpu ? b : a));
      console.log(`  ${pad(`    (CPU time, worst of ${r.overhead.length}: ${worstCpu.label})`, 50)} ${fmtMs(worstCpu.coreCpu - worstCpu.rawCpu)} (${fmtMs(worstCpu.coreCpu)} − ${fmtMs(worstCpu.rawCpu)})`);
      line(`(2) search mix p95 (${SEARCH_TERMS.length} terms × ${SEARCH_RUNS})`, `${fmtMs(r.searchP95!)} (p50 ${fmtMs(r.searchP50!)})`, `goal ≤ ${g.s} ms`, r.searchP95! <= g.s);
    }
    if (r.keystroke) {
      line(`(3) keystroke → painted, median of ${BROWSER_TERMS.length} terms`, `${fmtMs(r.keystroke.medianAfterDebounce)} (${fmtMs(r.keystroke.median)} − ${DEBOUNCE_MS} ms)`, `goal ≤ ${GOALS.keystroke} ms after debounce`, r.keystroke.medianAfterDebounce <= GOALS.keystroke);
    }
    if (r.js) {
      line(`(4) /users JS − 404 page JS, gzip`, `${fmtKb(r.js.usersOnly)} (${fmtKb(r.js.users)} − ${fmtKb(r.js.baseline)})`, `goal ≤ ${GOALS.pageJsKb} KB`, r.js.usersOnly / 1024 <= GOALS.pageJsKb);
      console.log(`  ${pad(`    (/users JS − framework chunks only)`, 50)} ${fmtKb(r.js.vsFramework)} (framework ${fmtKb(r.js.framework)})`);
    }
  }
}

main().catch((err) => {
  console.error("bench:users-page failed:", err);
  process.exit(1);
});
