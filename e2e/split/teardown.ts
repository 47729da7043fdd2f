import { execFileSync } from "node:child_process";

/** Drops the run's database (the servers still hold connections: FORCE). */
export default function teardown() {
  const { E2E_SPLIT_ADMIN_URL: admin, E2E_SPLIT_DB: name } = process.env;
  if (admin && name && !process.env.E2E_SPLIT_KEEP_DB) {
    execFileSync(process.execPath, ["e2e/split/database.mjs", "drop", admin, name], { stdio: "inherit" });
  }
}
