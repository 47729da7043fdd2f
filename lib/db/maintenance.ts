import "server-only";
import { sql } from "drizzle-orm";
import type { Database } from "./client";

const HOUR = 3_600_000;

/**
 * PGlite has no autovacuum: without this its planner statistics never change, and the list's
 * total estimates and plans drift from the data. A server Postgres does this by itself.
 */
export async function startEmbeddedMaintenance(database: Database): Promise<void> {
  if (database.kind !== "pglite") return;
  await database.db.execute(sql`analyze`);
  const timer = setInterval(async () => {
    try {
      for (const table of [sql`users`, sql`users_search`, sql`invitations`, sql`audit_events`]) {
        await database.db.execute(sql`vacuum analyze ${table}`);
      }
    } catch (err) {
      console.error("[roster] embedded maintenance failed:", err);
    }
  }, HOUR);
  timer.unref();
}
