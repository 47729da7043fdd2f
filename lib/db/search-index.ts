import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "./client";

/**
 * The list's trigram indexes take writes through a pending list (fastupdate, schema.ts): every
 * inserted row, and every update that is not HOT (a role or status change, a sign-in), appends
 * its ~40 trigrams there, and the list is merged into the index proper in sorted batches. The
 * merge happens inline in whichever statement fills the list past gin_pending_list_limit: a
 * 1,000-user deactivation that happens to cross it took 70–140 ms for its UPDATE instead of
 * ~55 (bench/README.md, "bulk"). So the core merges after its writes have committed, off the
 * request's path: a request then starts with an empty list and does not pay for earlier ones.
 * (autovacuum merges too, later; PGlite has no autovacuum.)
 */
export const SEARCH_INDEXES = ["users_email_key_trgm", "users_name_trgm"] as const;

/** Merges the trigram indexes' pending lists now; returns the pending pages merged. */
export async function mergePendingSearchEntries(db: Db): Promise<number> {
  const [row] = await queryRows<{ pages: string | number }>(
    db,
    sql`select (${sql.join(
      SEARCH_INDEXES.map((name) => sql`gin_clean_pending_list(${name}::regclass)`),
      sql` + `,
    )})::int as pages`,
  );
  return Number(row?.pages ?? 0);
}

export interface SearchIndexMerger {
  /** A write committed: merge soon (one merge at a time; kicks during one run it once more). */
  kick(): void;
  /** Resolves when no merge is running or due (for benches and tests). */
  idle(): Promise<void>;
}

/**
 * Merges after writes, in the background. A failed merge is only logged: the entries stay
 * pending and the next merge, autovacuum or an inline merge takes them. A database user that
 * does not own the indexes may not merge them (42501): the merger then stops, said once.
 */
export function createSearchIndexMerger(db: Db): SearchIndexMerger {
  let running: Promise<void> | null = null;
  let again = false;
  let disabled = false;
  const pass = async () => {
    do {
      again = false;
      try {
        await mergePendingSearchEntries(db);
      } catch (err) {
        const e = err as { code?: string; cause?: { code?: string } } | null | undefined;
        const code = e?.code ?? e?.cause?.code;
        if (code === "42501") {
          disabled = true;
          console.warn("[roster] this database user may not merge the search indexes' pending entries (not their owner); autovacuum will");
          return;
        }
        console.error("[roster] merging the search indexes' pending entries failed:", err instanceof Error ? err.message : err);
      }
    } while (again);
  };
  const kick = () => {
    if (disabled) return;
    if (running) {
      again = true;
      return;
    }
    running = pass().finally(() => {
      running = null;
      // A kick between the last pass's check and here would be lost: run once more for it.
      if (again) kick();
    });
  };
  return {
    kick,
    idle: async () => {
      while (running) await running;
    },
  };
}
