// The users export at scale: rows/s and peak memory (RSS) of exporting a whole organization of
// N users (default 1,000,000) through the real core (createUsersCore(db).export), in each format.
// It only prints; nothing here asserts. See bench/README.md ("export").
//
//   npm run bench:export                                  # 1,000,000 users, PGlite, all formats
//   npm run bench:export -- --users 200000 --formats csv
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/roster_bench npm run bench:export
//
// Each export runs in a child process of its own, so that its peak RSS (getrusage maxrss) is the
// export's alone: opening the database and exporting, not seeding or the previous format.
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { openDatabase, type Database } from "../lib/db/client";
import { createUsersCore, type Principal } from "../lib/users";
import { EXPORT_BATCH_SIZE } from "../lib/users/export";
import { EXPORT_FORMATS, USER_SORTS, type ExportFormat, type UserSort } from "../lib/validation/enums";
import { activeAdmin as findAdmin, createDatabaseIfMissing, ensureSeeded, fmtN, load, lpad, orgIdOf, orgTotal, pad, parseUsers, pgliteDir } from "./lib";

const USAGE = `usage: npm run bench:export -- [options]
  --users N        users in the large organization (default 1000000)
  --formats LIST   comma-separated formats (default ${EXPORT_FORMATS.join(",")})
  --sort S         the export's sort (default name; any of the list's sorts)
  --slug NAME      the large organization's slug (default "large", the one db:seed makes)
  --data-dir DIR   where the PGlite bench database is kept and reused (default .roster/bench)
  --out DIR        also write each file to DIR (through a file stream, with backpressure)
  --runs N         export each format N times, each in a fresh process (default 1): V8's
                   collector can settle differently from one process to the next (with --out,
                   each run overwrites the format's file)
  --runner R       node (default): each export runs in plain Node, the bench bundled by esbuild;
                   tsx: under tsx, whose loader thread adds ~75 MB of RSS of its own
Database: BENCH_DATABASE_URL (Postgres; created if missing, seeded once and reused), else PGlite
in DIR/pglite-N (seeded once, reused; the list bench uses the same one).`;

const { values: opt } = parseArgs({
  options: {
    users: { type: "string", default: "1000000" },
    formats: { type: "string", default: EXPORT_FORMATS.join(",") },
    sort: { type: "string", default: "name" },
    slug: { type: "string", default: "large" },
    "data-dir": { type: "string", default: path.join(".roster", "bench") },
    out: { type: "string" },
    runs: { type: "string", default: "1" },
    runner: { type: "string", default: "node" },
    child: { type: "string" }, // internal: run one export (the format) and report as JSON
    help: { type: "boolean", short: "h", default: false },
  },
});
if (opt.help) {
  console.log(USAGE);
  process.exit(0);
}
const N = parseUsers(opt.users!, 1);
const SLUG = opt.slug!;
const SORT = opt.sort as UserSort;
const FORMATS = opt.formats!.split(",").map((f) => f.trim()) as ExportFormat[];
if (!FORMATS.every((f) => (EXPORT_FORMATS as readonly string[]).includes(f))) throw new Error(USAGE);
if (!["node", "tsx"].includes(opt.runner!)) throw new Error(USAGE);
if (!USER_SORTS.includes(SORT)) throw new Error(`--sort must be one of ${USER_SORTS.join(", ")}`);
const RUNS = Number(opt.runs);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(USAGE);
const PG_URL = process.env.BENCH_DATABASE_URL;
const PGLITE_DIR = pgliteDir(opt["data-dir"]!, N);
const MEMORY_GOAL_MB = 300;

const mb = (bytes: number) => bytes / 1024 / 1024;

async function open(): Promise<Database> {
  if (PG_URL) {
    await createDatabaseIfMissing(PG_URL);
    return openDatabase({ kind: "postgres", url: PG_URL, poolSize: 2 });
  }
  mkdirSync(PGLITE_DIR, { recursive: true });
  return openDatabase({ kind: "pglite", dataDir: PGLITE_DIR });
}

async function activeAdmin(database: Database): Promise<{ principal: Principal; total: number }> {
  const orgId = await orgIdOf(database.db, SLUG);
  const { principal } = await findAdmin(database.db, orgId, SLUG);
  return { principal, total: await orgTotal(database.db, orgId) };
}

// ---------------------------------------------------------------------------------------------
// The child: one export, measured.

interface Result {
  format: ExportFormat;
  rows: number;
  expected: number;
  bytes: number;
  chunks: number;
  ms: number;
  firstByteMs: number;
  rssBeforeMb: number;
  peakRssMb: number;
  peakHeapMb: number;
}

async function child(format: ExportFormat): Promise<void> {
  const database = await open();
  try {
    const { principal, total } = await activeAdmin(database);
    const core = createUsersCore(database.db, { appUrl: "http://bench.invalid" });
    // The heap and array buffers, sampled (RSS's peak comes from the kernel, below).
    let peakHeap = 0;
    const sample = () => {
      const m = process.memoryUsage();
      peakHeap = Math.max(peakHeap, m.heapUsed + m.arrayBuffers);
    };
    const sampler = setInterval(sample, 20);
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const t0 = performance.now();
    const file = await core.export(principal, { sort: SORT }, format);
    let firstByteMs = 0;
    let bytes = 0;
    let chunks = 0;
    let newlines = 0;
    const counter = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        if (chunks++ === 0) firstByteMs = performance.now() - t0;
        bytes += chunk.byteLength;
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) newlines++;
        sample();
        controller.enqueue(chunk);
      },
    });
    const counted = file.body.pipeThrough(counter);
    if (opt.out) {
      mkdirSync(opt.out, { recursive: true });
      await pipeline(Readable.fromWeb(counted as never), createWriteStream(path.join(opt.out, file.filename)));
    } else {
      const reader = counted.getReader();
      while (!(await reader.read()).done) {
        /* consume as fast as the stream gives */
      }
    }
    const ms = performance.now() - t0;
    clearInterval(sampler);
    // Rows from line ends: CSV has a header line; JSON an opening "[" line and a closing "]".
    const rows = format === "csv" ? newlines - 1 : format === "json" ? Math.max(0, newlines - 2) : newlines;
    const result: Result = {
      format,
      rows,
      expected: total,
      bytes,
      chunks,
      ms,
      firstByteMs,
      rssBeforeMb: mb(rssBefore),
      peakRssMb: process.resourceUsage().maxRSS / 1024, // kilobytes on Linux and macOS
      peakHeapMb: mb(peakHeap),
    };
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  } finally {
    await database.close();
  }
}

/**
 * The child runs as plain JavaScript: this file and the app's modules bundled by esbuild
 * (packages left to Node), run by `node --conditions=react-server`. Under tsx the child would
 * also carry tsx's loader (a second V8 isolate on a worker thread) and its transforms: +70-80 MB
 * of RSS that no server has. `--runner tsx` measures it that way anyway.
 */
async function childCommand(): Promise<string[]> {
  if (opt.runner === "tsx") return [...process.execArgv, process.argv[1]!];
  const { build } = await import("esbuild");
  // Inside the project, so that Node finds the packages in its node_modules.
  const outfile = path.resolve(".roster", "bench-export-child.mjs");
  await build({
    entryPoints: [process.argv[1]!],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    conditions: ["react-server"],
    logLevel: "error",
  });
  return ["--conditions=react-server", outfile];
}

function runChild(command: string[], format: ExportFormat): Promise<Result> {
  return new Promise((resolve, reject) => {
    const args = [...command, ...process.argv.slice(2), "--child", format];
    const p = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.on("error", reject);
    p.on("close", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("RESULT "));
      if (code !== 0 || !line) return reject(new Error(`the ${format} export exited with ${code}:\n${out}`));
      resolve(JSON.parse(line.slice("RESULT ".length)) as Result);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The parent: seed once, then one child per export (per format and run).

async function main() {
  console.log(`bench:export — ${fmtN(N)} users, sort ${SORT}, batches of ${fmtN(EXPORT_BATCH_SIZE)}, child under ${opt.runner}, node ${process.version}, ${new Date().toISOString()}, ${load()}`);
  const fresh = !PG_URL && !existsSync(path.join(PGLITE_DIR, "PG_VERSION"));
  const database = await open();
  let total: number;
  try {
    console.log(PG_URL ? `Postgres ${database.location}` : `PGlite ${PGLITE_DIR}${fresh ? " (new; seeded once, reused by later runs)" : " (reused)"}`);
    await ensureSeeded(database.db, N, SLUG);
    total = (await activeAdmin(database)).total;
  } finally {
    await database.close(); // PGlite: one process at a time in a data directory
  }
  console.log(`  organization "${SLUG}": ${fmtN(total)} users (everyone is exported)\n`);
  console.log(
    `${pad("format", 8)}${lpad("rows", 12)}${lpad("size", 11)}${lpad("time", 9)}${lpad("rows/s", 10)}` +
      `${lpad("1st byte", 10)}${lpad("RSS before", 12)}${lpad("peak RSS", 10)}${lpad("growth", 8)}${lpad("peak heap", 11)}   goal: peak RSS ≤ ${MEMORY_GOAL_MB} MB`,
  );
  const command = await childCommand();
  let ok = true;
  for (const format of FORMATS.flatMap((f) => Array<ExportFormat>(RUNS).fill(f))) {
    const r = await runChild(command, format);
    const complete = r.rows === r.expected;
    const fits = r.peakRssMb <= MEMORY_GOAL_MB;
    ok &&= complete && fits;
    console.log(
      `${pad(r.format, 8)}${lpad(fmtN(r.rows), 12)}${lpad(`${mb(r.bytes).toFixed(0)} MB`, 11)}${lpad(`${(r.ms / 1000).toFixed(1)} s`, 9)}` +
        `${lpad(fmtN(Math.round(r.rows / (r.ms / 1000))), 10)}${lpad(`${r.firstByteMs.toFixed(0)} ms`, 10)}` +
        `${lpad(`${r.rssBeforeMb.toFixed(0)} MB`, 12)}${lpad(`${r.peakRssMb.toFixed(0)} MB`, 10)}` +
        `${lpad(`+${(r.peakRssMb - r.rssBeforeMb).toFixed(0)}`, 8)}${lpad(`${r.peakHeapMb.toFixed(0)} MB`, 11)}   ` +
        (complete ? "" : `INCOMPLETE (expected ${fmtN(r.expected)} rows) `) +
        (fits ? "ok" : "MISSED") + `   [${load()}]`,
    );
  }
  console.log(
    `\nRSS before: the export's process with its modules loaded and the database open, before the first\n` +
      `row${PG_URL ? "" : " (PGlite runs inside it: its engine is most of that figure)"}. growth: peak RSS − RSS before, the export's own share.\n` +
      `peak heap: JS heap + array buffers, sampled. Each export runs in a fresh child process.`,
  );
  console.log(`\n${ok ? "every export complete and within the memory goal" : "MISSED: see above"}`);
}

(opt.child ? child(opt.child as ExportFormat) : main()).catch((err) => {
  console.error("bench:export failed:", err);
  process.exit(1);
});
