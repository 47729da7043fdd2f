// What the bench scripts share: formatting, capturing the SQL the core sends, the large
// organization (seeded once, reused), its active admin as a Principal, and the Postgres
// database a bench runs on (given, or a throwaway one). See bench/README.md.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { and, asc, eq, sql } from "drizzle-orm";
import pg from "pg";
import { queryRows, type Db } from "../lib/db/client";
import { users } from "../lib/db/schema";
import { seedLarge } from "../lib/db/seed";
import type { Principal } from "../lib/users";

// ---------------------------------------------------------------------------------------------
// Formatting and statistics

export const fmtMs = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2)) + " ms";
export const fmtN = (n: number) => n.toLocaleString("en-US");
export const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));
export const lpad = (s: string, n: number) => (s.length >= n ? s : " ".repeat(n - s.length) + s);
export const mark = (ok: boolean) => (ok ? "ok" : "MISSED");
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The load averages (1, 5, 15 min): other work on the machine moves every figure. */
export const load = () => `load ${loadavg().map((x) => x.toFixed(2)).join(" ")} on ${cpus().length} cores`;

/** Nearest-rank quantile; the median is the mean of the middle two for an even count. */
export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (q === 0.5) {
    const m = s.length >> 1;
    return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
  }
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}
export const median = (xs: number[]) => quantile(xs, 0.5);

/** Parses --users: a whole number, `_` and `,` allowed as separators. */
export function parseUsers(value: string, min: number): number {
  const n = Number(value.replace(/[_,]/g, ""));
  if (!Number.isInteger(n) || n < min) throw new Error(`--users must be a whole number ≥ ${fmtN(min)}`);
  return n;
}

// ---------------------------------------------------------------------------------------------
// The SQL the core sends

export interface Captured {
  text: string;
  params: unknown[];
}

/** Runs `fn` while recording every statement Drizzle sends (the real SQL and its parameters). */
export async function capture<T>(db: Db, fn: () => Promise<T>): Promise<{ result: T; queries: Captured[] }> {
  const session = (db as unknown as { session: { logger: { logQuery(q: string, p: unknown[]): void } } }).session;
  const previous = session.logger;
  const queries: Captured[] = [];
  session.logger = { logQuery: (text, params) => queries.push({ text, params }) };
  try {
    return { result: await fn(), queries };
  } finally {
    session.logger = previous;
  }
}

export type RawClient = { query(text: string, params: unknown[]): Promise<{ rows: Record<string, unknown>[] }> };
/** The driver under Drizzle (pg Pool or PGlite), for raw SQL baselines. */
export const rawClient = (db: Db) => (db as unknown as { $client: RawClient }).$client;

// ---------------------------------------------------------------------------------------------
// The large organization

/** Where a bench keeps its PGlite database of N users (shared by every bench script). */
export const pgliteDir = (dataDir: string, n: number) => path.resolve(dataDir, `pglite-${n}`);

/** Creates the PGlite directory and says whether it was there already. */
export function preparePgliteDir(dir: string): boolean {
  const reused = existsSync(dir);
  mkdirSync(dir, { recursive: true });
  console.log(`\nPGlite data dir ${dir} (${reused ? "reused" : "new; seeded once, reused by later runs"})`);
  return reused;
}

/**
 * Tops the organization `slug` up to `n` users with seedLarge (set-based, minutes at 1M),
 * printing progress every 10 s. Returns the time taken, or null when nothing was seeded.
 */
export async function ensureSeeded(db: Db, n: number, slug: string): Promise<number | null> {
  const t0 = performance.now();
  const [before] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from users u join organizations o on o.id = u.org_id where o.slug = ${slug}`,
  );
  if ((before?.n ?? 0) >= n) return null;
  console.log(`  seeding ${fmtN(n - (before?.n ?? 0))} users into "${slug}" (set-based; minutes at 1M)…`);
  let last = 0;
  await seedLarge(db, n, {
    slug,
    onProgress: (done) => {
      if (performance.now() - last > 10_000 || done >= n) {
        console.log(`    ${fmtN(done)} / ${fmtN(n)}  ${((performance.now() - t0) / 1000).toFixed(1)} s`);
        last = performance.now();
      }
    },
  });
  const ms = performance.now() - t0;
  console.log(`  seeded in ${(ms / 1000).toFixed(1)} s`);
  return ms;
}

export async function orgIdOf(db: Db, slug: string): Promise<string> {
  const [org] = await queryRows<{ id: string }>(db, sql`select id from organizations where slug = ${slug}`);
  if (!org) throw new Error(`no organization "${slug}"`);
  return org.id;
}

export async function orgTotal(db: Db, orgId: string): Promise<number> {
  const [{ n } = { n: 0 }] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from users where org_id = ${orgId}`);
  return n;
}

/** The organization's first active admin (by email), and the Principal a session of theirs has. */
export async function activeAdmin(db: Db, orgId: string, slug: string) {
  const [admin] = await db
    .select()
    .from(users)
    .where(and(eq(users.orgId, orgId), eq(users.role, "admin"), eq(users.status, "active")))
    .orderBy(asc(users.emailKey))
    .limit(1);
  if (!admin) throw new Error(`organization "${slug}" has no active admin`);
  const principal: Principal = {
    kind: "session", userId: admin.id, orgId, email: admin.email, role: admin.role, sessionVersion: admin.sessionVersion,
  };
  return { admin, principal };
}

// ---------------------------------------------------------------------------------------------
// Postgres

/**
 * The Postgres database to bench on: BENCH_DATABASE_URL, else DATABASE_URL (the organization is
 * seeded into it once and reused), else a throwaway database created on BENCH_PG_ADMIN_URL
 * (default postgres://postgres@127.0.0.1:5432/postgres) and dropped by `drop` (unless `keep`).
 * Null, with a note, if that server cannot be reached.
 */
export async function benchPostgres(keep: boolean): Promise<{ url: string; drop: (() => Promise<void>) | null } | null> {
  const given = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL;
  if (given) {
    console.log(`\nPostgres: ${process.env.BENCH_DATABASE_URL ? "BENCH_DATABASE_URL" : "DATABASE_URL"} (the large organization is seeded into it once and reused)`);
    return { url: given, drop: null };
  }
  const adminUrl = process.env.BENCH_PG_ADMIN_URL || "postgres://postgres@127.0.0.1:5432/postgres";
  const name = `roster_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
    await admin.query(`create database ${name}`);
  } catch (err) {
    console.log(`\nPostgres skipped: cannot create a throwaway database on ${new URL(adminUrl).host} (${(err as Error).message}); set BENCH_DATABASE_URL`);
    return null;
  } finally {
    await admin.end().catch(() => {});
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  console.log(`\nPostgres: throwaway database ${name}${keep ? ` (kept: --keep; BENCH_DATABASE_URL=${url})` : " (dropped at the end)"}`);
  if (keep) return { url, drop: null };
  const drop = async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  };
  const onSignal = () => void drop().finally(() => process.exit(130));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return { url, drop };
}

/** Creates the database a Postgres URL names if it does not exist (for a reused bench database). */
export async function createDatabaseIfMissing(url: string) {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.slice(1));
  const maintenance = new URL(url);
  maintenance.pathname = "/postgres";
  const c = new pg.Client({ connectionString: maintenance.toString(), connectionTimeoutMillis: 3000 });
  await c.connect();
  try {
    const { rowCount } = await c.query("select 1 from pg_database where datname = $1", [name]);
    if (!rowCount) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`will not create a database named ${JSON.stringify(name)}`);
      await c.query(`create database ${name}`);
      console.log(`  created database ${name}`);
    }
  } finally {
    await c.end();
  }
}
