-- Each partition of users_search gets a unique index on id, in place of 0008's partitioned index
-- on id alone (which cannot be unique: a partitioned table's unique keys must hold the partition
-- key). Unique, the planner knows `id = x` finds one row without any statistics. Not unique, a
-- search with another filter (`users.id in (select id from users_search where …)`, lib/users/
-- list.ts) on a table not yet analyzed (PGlite has no autovacuum; a bulk import outruns
-- Postgres's) probed users_search through its (org, name) index instead, reading the org's
-- whole range for every user: a page of a 2,000-user filter took ~300 ms, against ~20 with
-- this index (lib/users/export.int.test.ts's filtered export went from 3.7 s to 50 s with
-- 0008). The ids stay unique across partitions: users.id is the primary key, and a renamed
-- user's row moves (the triggers of 0006 and 0008). Writes to users wait while the indexes are
-- built (a few seconds at 1M users), as in 0008: users_search is written only by their triggers,
-- and a trigger's write (a sign-in's last_login_at) would otherwise hold users_search while
-- waiting for a partition this builds, and the DROP INDEX below waits for users_search: a
-- deadlock. Reads go on; the DROP waits for the ones under way.
LOCK TABLE "users" IN SHARE ROW EXCLUSIVE MODE;--> statement-breakpoint
DO $$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
           WHERE i.inhparent = 'users_search'::regclass ORDER BY c.relname LOOP
    EXECUTE format('CREATE UNIQUE INDEX %I ON %I ("id")', r.relname || '_id', r.relname);
  END LOOP;
END
$$;--> statement-breakpoint
DROP INDEX "users_search_id";
