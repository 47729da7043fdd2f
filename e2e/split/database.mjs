// Creates or drops the fresh Postgres database of the split e2e run (playwright.split.config.ts):
//   node e2e/split/database.mjs create|drop <admin-url> <name>
// Run as a child process so the config can call it synchronously before the servers start.
import pg from "pg";

const [cmd, adminUrl, name] = process.argv.slice(2);
if (!/^roster_e2e_split_[a-z0-9_]+$/.test(name ?? "")) throw new Error(`refusing database name ${name}`);
const client = new pg.Client({ connectionString: adminUrl });
await client.connect();
try {
  if (cmd === "create") await client.query(`CREATE DATABASE ${name}`);
  else if (cmd === "drop") await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  else throw new Error(`unknown command ${cmd}`);
} finally {
  await client.end();
}
