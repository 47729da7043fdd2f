-- users_search is partitioned by its name key, in name order (collate "C", as the name sort
-- compares): 8 ranges by first letter. A term matching 20,000 of 1M users, sorted by name,
-- read and sorted all 20,000 matches from every page of the table (40-55 ms at 1M users). Read
-- partition by partition in name order (lib/users/list.ts), its first page is in the first
-- partition that holds 51 of its matches: `lovelace` reads 1 partition of 8, `grace` (a first
-- name: all its matches sit together) 3, the last holding all of them. Other orders and rare
-- terms read all partitions in one statement, as before. (Each statement over the whole table
-- plans every partition, ~0.2 ms each: 16 ranges made a rare term's count twice as slow.)
--
-- The bounds are fixed: names outside a-z (digits, accented initials, other scripts) fall in the
-- first or last range, which only makes those partitions larger. A partitioned table's unique
-- keys must hold the partition key, so id is indexed, not the primary key; users.id stays the
-- one unique key, and this table follows it by triggers: those of 0006 (they name the table,
-- so they write the new one; a name change moves its row between partitions) and, in place of
-- the foreign key's cascade, one per DELETE statement on users (below). The cascade deleted a
-- user's row with a statement of its own, which here probes every partition: a 1,000-user bulk
-- delete took ~80 ms longer (16 partitions); one statement for the whole set does not.
-- Writes to users wait while the table is copied (~25 s at 1M users): a trigger's write to the
-- old table between the copy and its drop would be lost.
LOCK TABLE "users" IN SHARE ROW EXCLUSIVE MODE;--> statement-breakpoint
CREATE TABLE "users_search_next" (
	"id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"email_key" text NOT NULL,
	"name_key" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"last_login_at" timestamp with time zone
) PARTITION BY RANGE ("name_key" COLLATE "C");--> statement-breakpoint
DO $$
DECLARE
  bounds text[] := ARRAY['c', 'f', 'j', 'l', 'n', 'r', 't'];
  n int := array_length(bounds, 1);
BEGIN
  FOR i IN 0..n LOOP
    EXECUTE format(
      'CREATE TABLE %I PARTITION OF "users_search_next" FOR VALUES FROM (%s) TO (%s)',
      'users_search_p' || lpad(i::text, 2, '0'),
      CASE WHEN i = 0 THEN 'MINVALUE' ELSE quote_literal(bounds[i]) END,
      CASE WHEN i = n THEN 'MAXVALUE' ELSE quote_literal(bounds[i + 1]) END);
  END LOOP;
END
$$;--> statement-breakpoint
INSERT INTO "users_search_next" ("id", "org_id", "email_key", "name_key", "created_at", "last_login_at")
  SELECT "id", "org_id", "email_key", "name_key", "created_at", "last_login_at" FROM "users_search";--> statement-breakpoint
DROP TABLE "users_search";--> statement-breakpoint
ALTER TABLE "users_search_next" RENAME TO "users_search";--> statement-breakpoint
-- Deleted users leave in one statement per DELETE (a bulk delete, an organization's cascade);
-- a TRUNCATE of users empties the table too. Run as the owner, like the triggers of 0006.
CREATE FUNCTION "users_search_delete"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  DELETE FROM "users_search" s USING "old_users" o WHERE s."id" = o."id";
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "users_search_delete" AFTER DELETE ON "users"
  REFERENCING OLD TABLE AS "old_users"
  FOR EACH STATEMENT EXECUTE FUNCTION "users_search_delete"();--> statement-breakpoint
CREATE FUNCTION "users_search_truncate"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  TRUNCATE "users_search";
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "users_search_truncate" AFTER TRUNCATE ON "users"
  FOR EACH STATEMENT EXECUTE FUNCTION "users_search_truncate"();--> statement-breakpoint
CREATE INDEX "users_search_id" ON "users_search" USING btree ("id");--> statement-breakpoint
CREATE INDEX "users_search_text_trgm" ON "users_search" USING gin (("email_key" || chr(1) || "name_key") gin_trgm_ops) WITH (fastupdate=on,gin_pending_list_limit=1024);--> statement-breakpoint
CREATE INDEX "users_search_org_name" ON "users_search" USING btree ("org_id","name_key" collate "C","id","email_key");--> statement-breakpoint
-- Each partition's trigram index keeps the 500 statistics buckets of 0005/0006 (the planner
-- estimates a term per partition, and the sum picks the search's plan).
DO $$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT i.inhrelid::regclass AS idx FROM pg_inherits i WHERE i.inhparent = 'users_search_text_trgm'::regclass LOOP
    EXECUTE format('ALTER INDEX %s ALTER COLUMN 1 SET STATISTICS 500', r.idx);
  END LOOP;
END
$$;--> statement-breakpoint
ANALYZE "users_search";
