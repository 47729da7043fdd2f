import "server-only";
import { sql } from "drizzle-orm";
import { backgroundRunner, type BackgroundRunner } from "../background";
import { queryRows, type Db } from "./client";

/**
 * The search's trigram index (users_search, schema.ts) takes writes through a pending list
 * (fastupdate): every inserted row, and every update of a search row that is not HOT (a new
 * name or email), appends its ~40 trigrams there, and the list is merged into the index
 * proper in sorted batches. (Until migration 0006 the index was on users, so a role or status
 * change wrote trigrams too; the figures below are from then.) The
 * merge happens inline in whichever statement fills the list past gin_pending_list_limit: a
 * 1,000-user deactivation that happens to cross it took 70–140 ms for its UPDATE instead of
 * ~55 (bench/README.md, "bulk"). So the core merges after its writes have committed, off the
 * request's path: a request then starts with an empty list and does not pay for earlier ones.
 * (autovacuum merges too, later; PGlite has no autovacuum.)
 */
export const SEARCH_INDEXES = ["users_search_text_trgm"] as const;

/**
 * Merges the trigram indexes' pending lists now; returns the pending pages merged. users_search
 * is partitioned (migration 0008): its index is one per partition, each with its own list.
 */
export async function mergePendingSearchEntries(db: Db): Promise<number> {
  const [row] = await queryRows<{ pages: string | number }>(
    db,
    sql`select coalesce(sum(gin_clean_pending_list(i.inhrelid::regclass)), 0)::int as pages
          from pg_inherits i
         where i.inhparent in (${sql.join(
           SEARCH_INDEXES.map((name) => sql`${name}::regclass`),
           sql`, `,
         )})`,
  );
  return Number(row?.pages ?? 0);
}

export type SearchIndexMerger = Pick<BackgroundRunner, "kick" | "idle">;

/**
 * Merges after writes, in the background (one merge at a time; kicks during one run it once
 * more). A failed merge is only logged: the entries stay pending and the next merge,
 * autovacuum or an inline merge takes them. A database user that does not own the indexes may
 * not merge them (42501): the merger then stops, said once.
 */
export function createSearchIndexMerger(db: Db): SearchIndexMerger {
  const runner: BackgroundRunner = backgroundRunner("merging the search indexes' pending entries", async () => {
    try {
      await mergePendingSearchEntries(db);
    } catch (err) {
      const e = err as { code?: string; cause?: { code?: string } } | null | undefined;
      if ((e?.code ?? e?.cause?.code) !== "42501") throw err;
      console.warn("[roster] this database user may not merge the search indexes' pending entries (not their owner); autovacuum will");
      void runner.stop();
    }
  });
  return { kick: runner.kick, idle: runner.idle };
}
