// The search mix of bench/users-page.ts figure 2 through core.list on an existing seeded
// Postgres database, read both ways (lib/users/list.ts searchPlan): the default threshold
// (a substring with few estimated matches reads them first) against the ordered index walk
// forced for every term (searchMatchesFirstBelow -1, as before the change), interleaved per
// pass so both sides see the same load. Prints each term's p50 per side and the mix's p95.
//   BENCH_DATABASE_URL=postgres://… npx tsx --conditions=react-server bench/search-paths.ts [runs] [users]
import { openDatabase } from "../lib/db/client";
import { createUsersCore } from "../lib/users";
import { activeAdmin, fmtMs, load, median, orgIdOf, pad, quantile } from "./lib";

const url = process.env.BENCH_DATABASE_URL;
if (!url) throw new Error("set BENCH_DATABASE_URL to a database seeded with the large organization");
const RUNS = Math.max(1, Number(process.argv[2] ?? 3));
const N = Number(process.argv[3] ?? 1_000_000);
const rareId = (f: number) => Math.max(1, Math.floor(N * f));
const TERMS = [
  "lovelace", "grace", "ada lovelace", "son", `user${rareId(0.424242)}.`, `user${rareId(0.0777)}`, "ó briain",
  "a", "k", "zo", "jo", "xyzzy", "qq", "lovelace-nobody", "@large.example", ".hopper@", `user${rareId(0.31415)}.`, "torvalds@l",
];

const database = await openDatabase({ kind: "postgres", url, poolSize: 4 });
const db = database.db;
const orgId = await orgIdOf(db, "large");
const { principal } = await activeAdmin(db, orgId, "large");
const sides = { after: createUsersCore(db), before: createUsersCore(db, { searchMatchesFirstBelow: -1 }) };
console.log(`search mix, ${TERMS.length} terms × ${RUNS}, page 1 sort=name limit 50 with total [${load()}]`);
const samples = { after: new Map<string, number[]>(), before: new Map<string, number[]>() };
for (let pass = 0; pass < RUNS; pass++) {
  for (const term of TERMS) {
    for (const side of pass % 2 ? (["before", "after"] as const) : (["after", "before"] as const)) {
      const t0 = performance.now();
      const r = await sides[side].list(principal, { q: term });
      const ms = performance.now() - t0;
      samples[side].set(term, [...(samples[side].get(term) ?? []), ms]);
      if (pass === 0 && side === "after") process.stdout.write(`  ${pad(JSON.stringify(term), 20)} ${r.data.length} rows, total ${r.total}${r.totalExact ? "" : " (est.)"}\n`);
    }
  }
}
for (const term of TERMS) {
  console.log(`  ${pad(JSON.stringify(term), 20)} before p50 ${pad(fmtMs(median(samples.before.get(term)!)), 10)} after p50 ${fmtMs(median(samples.after.get(term)!))}`);
}
for (const side of ["before", "after"] as const) {
  const all = [...samples[side].values()].flat();
  console.log(`${side}: mix p95 ${fmtMs(quantile(all, 0.95))}, p50 ${fmtMs(median(all))}`);
}
console.log(`[${load()}]`);
await database.close();
