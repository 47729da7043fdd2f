import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { queryRows } from "./client";
import { startEmbeddedMaintenance } from "./maintenance";
import { createWorld, type World } from "../testing/fixtures";

let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(() => w?.close());

it("gives the embedded database planner statistics at start-up (a server Postgres has autovacuum)", async () => {
  await startEmbeddedMaintenance(w.database);
  if (w.database.kind === "postgres") {
    const [row] = await queryRows<{ analyzed: boolean }>(
      w.database.db,
      sql`select last_analyze is not null as analyzed from pg_stat_user_tables where relname = 'users'`,
    );
    expect(row?.analyzed).toBe(false);
    return;
  }
  const [row] = await queryRows<{ analyzed: boolean }>(
    w.database.db,
    sql`select last_analyze is not null or last_autoanalyze is not null as analyzed from pg_stat_user_tables where relname = 'users'`,
  );
  expect(row?.analyzed).toBe(true);
});
