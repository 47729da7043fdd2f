// The REST API's list under load: GET /api/v1/users with an API key (authenticated, authorized,
// one page of 50 with its total) against a trivial route of the same server (GET /api/health,
// one `select 1`), each for 30 s at 50 connections (autocannon), against a production build.
// Prints req/s, p50/p95/p99, errors and non-2xx, the ratio list/trivial (goal ≥ 0.7), and the
// load averages (the machine may be shared). It only prints; nothing asserts a timing.
//
//   npm run bench:api                                   # PGlite, the demo organization
//   npm run bench:api -- --duration 10 --connections 20
//   npm run bench:api -- --database-url postgres://postgres@127.0.0.1:5432/roster_bench
//
// Needs a production build (`npx next build`); --build makes one first.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { eq } from "drizzle-orm";
import { openDatabase, type DatabaseOptions } from "../lib/db/client";
import { users } from "../lib/db/schema";
import { seedDemo } from "../lib/db/seed";
import { createUsersCore, type Principal } from "../lib/users";

const { values: opt } = parseArgs({
  options: {
    duration: { type: "string", default: "30" },
    connections: { type: "string", default: "50" },
    warmup: { type: "string", default: "5" },
    port: { type: "string" },
    "database-url": { type: "string" },
    build: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (opt.help) {
  console.log("usage: npm run bench:api -- [--duration S] [--connections N] [--warmup S] [--port P] [--database-url URL] [--build]");
  process.exit(0);
}
const DURATION = Number(opt.duration);
const CONNECTIONS = Number(opt.connections);
const WARMUP = Number(opt.warmup);

const load = () => loadavg().map((n) => n.toFixed(2)).join(" ");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Seeds the demo organization and mints a read key for its admin, before the server opens the database. */
async function prepare(options: DatabaseOptions): Promise<string> {
  const database = await openDatabase(options);
  try {
    const seeded = await seedDemo(database.db, { adminPassword: "bench-Admin-passphrase-42" });
    const [admin] = await database.db.select().from(users).where(eq(users.emailKey, seeded.admin.email.toLowerCase()));
    if (!admin) throw new Error("the demo admin is missing");
    const principal: Principal = {
      kind: "session", userId: admin.id, orgId: admin.orgId, email: admin.email, role: admin.role, sessionVersion: admin.sessionVersion,
    };
    const core = createUsersCore(database.db, { appUrl: "http://127.0.0.1" });
    const created = await core.createApiKey(principal, { name: `bench ${new Date().toISOString()}`, scopes: ["users:read"] });
    return created.token;
  } finally {
    await database.close();
  }
}

async function waitFor(url: string, server: ChildProcess, ms = 120_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (server.exitCode !== null) throw new Error(`the server exited (${server.exitCode})`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer in ${ms / 1000}s`);
}

interface Figures {
  name: string;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  non2xx: number;
  requests: number;
}

/** One autocannon run; p50/p95/p99 from every response's own latency (autocannon's histogram has no p95). */
async function run(name: string, url: string, headers: Record<string, string>, duration: number): Promise<Figures> {
  const times: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, connections: CONNECTIONS, duration, headers }, (err, r) => (err ? reject(err) : resolve(r)));
    instance.on("response", (_client, _status, _bytes, responseTime: number) => times.push(responseTime));
  });
  times.sort((a, b) => a - b);
  const pct = (p: number) => (times.length ? Number(times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!.toFixed(1)) : NaN);
  return {
    name,
    rps: result.requests.average,
    p50: pct(50),
    p95: pct(95),
    p99: pct(99),
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    requests: result.requests.total,
  };
}

async function main() {
  if (opt.build || !existsSync(path.join(".next", "BUILD_ID"))) {
    console.log("[bench:api] building (next build) ...");
    const b = spawnSync("npx", ["next", "build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
    if (b.status !== 0) process.exit(b.status ?? 1);
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), "roster-bench-api-"));
  const dbOptions: DatabaseOptions = opt["database-url"]
    ? { kind: "postgres", url: opt["database-url"] }
    : { kind: "pglite", dataDir: path.join(dataDir, "db") };
  const key = await prepare(dbOptions);
  const port = opt.port ? Number(opt.port) : await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(port)], {
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: "1",
      NODE_ENV: "production",
      PORT: String(port),
      ROSTER_DATA_DIR: dataDir,
      ...(opt["database-url"] ? { DATABASE_URL: opt["database-url"] } : {}),
      // The bench measures the API, not its per-key rate limit.
      API_RATE_LIMIT_PER_MINUTE: process.env.API_RATE_LIMIT_PER_MINUTE ?? "1000000",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  try {
    await waitFor(`${base}/api/health`, server);
    const auth = { authorization: `Bearer ${key}` };
    const list = `${base}/api/v1/users?sort=name&limit=50`;
    const check = await fetch(list, { headers: auth });
    if (!check.ok) throw new Error(`GET /api/v1/users answered ${check.status}: ${await check.text()}`);
    const page = (await check.json()) as { data: unknown[]; total: number };
    console.log(`[bench:api] ${base}, ${dbOptions.kind}, the demo organization: ${page.total} users, pages of ${page.data.length}`);
    console.log(`[bench:api] ${CONNECTIONS} connections, ${DURATION} s each (after ${WARMUP} s of warm-up); ${cpus().length} CPUs; load average before: ${load()}`);

    await run("warm-up", `${base}/api/health`, {}, WARMUP);
    await run("warm-up", list, auth, WARMUP);
    const trivial = await run("GET /api/health (trivial)", `${base}/api/health`, {}, DURATION);
    console.log(`[bench:api] load average after the trivial route: ${load()}`);
    const listed = await run("GET /api/v1/users (API key)", list, auth, DURATION);
    console.log(`[bench:api] load average after the list: ${load()}`);

    const rows = [trivial, listed].map((f) => ({
      route: f.name,
      "req/s": Math.round(f.rps),
      "p50 ms": f.p50,
      "p95 ms": f.p95,
      "p99 ms": f.p99,
      requests: f.requests,
      errors: f.errors,
      "non-2xx": f.non2xx,
    }));
    console.table(rows);
    const ratio = listed.rps / trivial.rps;
    console.log(`[bench:api] list / trivial = ${ratio.toFixed(2)} (goal ≥ 0.70: ${ratio >= 0.7 ? "met" : "NOT met"}); errors ${listed.errors + trivial.errors}, non-2xx ${listed.non2xx + trivial.non2xx}`);
  } finally {
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
