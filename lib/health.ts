import "server-only";
import { sql } from "drizzle-orm";
import { getDatabase, queryRows } from "./db/client";

export interface Health {
  ok: boolean;
  database: "pglite" | "postgres" | null;
  migrations: number;
  error?: string;
}

/** Whether the app can reach its database, and how far its schema is migrated. */
export async function checkHealth(): Promise<Health> {
  try {
    const { db, kind } = await getDatabase();
    const [row] = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
    );
    return { ok: true, database: kind, migrations: Number(row?.n ?? 0) };
  } catch (err) {
    console.error("[roster] health check failed:", err);
    return { ok: false, database: null, migrations: 0, error: "The database is unreachable" };
  }
}
