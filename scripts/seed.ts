// npm run db:seed                      the demo organizations, into the configured database
// npm run db:seed -- --users 1000000   also a large organization with that many users
// npm run db:seed -- --users 1000000 --slug big
//
// The database is the app's: DATABASE_URL (Postgres), else PGlite in ROSTER_DATA_DIR/db
// (default .roster/db). Re-running is safe: the demo is seeded only into an empty database and
// the large organization is topped up to N users, never duplicated.
import { parseArgs } from "node:util";
import { databaseOptionsFromEnv, openDatabase } from "../lib/db/client";
import { seedDemo, seedLarge } from "../lib/db/seed";

const USAGE = `usage: npm run db:seed [-- --users N [--slug NAME]]
  --users N     add a large organization with N users (set-based inserts; 1,000,000 takes minutes)
  --slug NAME   the large organization's slug (default "large")
The database is DATABASE_URL, else PGlite in \${ROSTER_DATA_DIR:-.roster}/db.`;

function fail(message: string): never {
  console.error(`db:seed: ${message}\n${USAGE}`);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        users: { type: "string" },
        slug: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    });
  } catch (err) {
    fail((err as Error).message);
  }
})();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const n = values.users === undefined ? 0 : Number(values.users.replace(/[_,]/g, ""));
if (!Number.isInteger(n) || n < 0 || n > 50_000_000) fail(`--users must be a whole number up to 50,000,000`);
const slug = values.slug ?? "large";
if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(slug)) fail(`--slug must be lower-case letters, digits and dashes`);

const fmt = (ms: number) => (ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(1)} s`);

async function main() {
  const options = databaseOptionsFromEnv();
  const t0 = performance.now();
  const database = await openDatabase(options);
  console.log(`db:seed: ${database.kind} at ${database.location}`);
  try {
    const demo = await seedDemo(database.db, {
      adminEmail: process.env.ROSTER_ADMIN_EMAIL,
      adminPassword: process.env.ROSTER_ADMIN_PASSWORD,
    });
    if (demo.seeded) {
      console.log("Seeded the demo organizations (Acme, Globex).");
      console.log(`  Sign in as ${demo.admin.email}`);
      console.log(
        demo.admin.password
          ? `  password:  ${demo.admin.password}   (shown once; change it after signing in)`
          : "  password:  the one in ROSTER_ADMIN_PASSWORD",
      );
      console.log(`  Other personas (same password): ${demo.others.join(", ")}`);
    } else {
      console.log(`The database already has organizations; the demo was not seeded again (sign in as ${demo.admin.email} with the password printed when it was).`);
    }

    if (n > 0) {
      console.log(`Seeding organization "${slug}" up to ${n.toLocaleString("en-US")} users…`);
      const t1 = performance.now();
      let last = 0;
      const orgId = await seedLarge(database.db, n, {
        slug,
        onProgress: (done) => {
          const now = performance.now();
          // One line every ~2 s and at the end; a TTY gets a live counter.
          if (process.stdout.isTTY) {
            process.stdout.write(`\r  ${done.toLocaleString("en-US")} / ${n.toLocaleString("en-US")}  ${fmt(now - t1)}   `);
          } else if (now - last > 2000 || done >= n) {
            console.log(`  ${done.toLocaleString("en-US")} / ${n.toLocaleString("en-US")}  ${fmt(now - t1)}`);
            last = now;
          }
        },
      });
      if (process.stdout.isTTY) process.stdout.write("\n");
      console.log(`Organization "${slug}" (${orgId}) has its users: ${fmt(performance.now() - t1)}.`);
    }
  } finally {
    await database.close();
  }
  console.log(`Done in ${fmt(performance.now() - t0)}.`);
}

main().catch((err) => {
  console.error("db:seed failed:", err);
  process.exit(1);
});
