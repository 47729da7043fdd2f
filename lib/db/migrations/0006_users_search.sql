-- Substring search reads a narrow table of its own (lib/db/schema.ts `usersSearch`): each
-- user's email key, lowered name and sort keys, ~120 bytes a row against ~290 for users. A
-- term with 20,000 matches at 1M users visited ~16,000 pages of users (37,000 pages, larger
-- than the default buffer pool, so most came from the OS: ~130 ms); here it visits ~11,000
-- pages of a table that fits it (~25-40 ms). The table is kept by the triggers below, so
-- every writer (the core, the seeds, a script) keeps it right; the application never writes it.
CREATE TABLE "users_search" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"email_key" text NOT NULL,
	"name_key" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"last_login_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "users_search" ADD CONSTRAINT "users_search_id_users_id_fk" FOREIGN KEY ("id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
INSERT INTO "users_search" ("id", "org_id", "email_key", "name_key", "created_at", "last_login_at")
  SELECT "id", "org_id", "email_key", lower("name"), "created_at", "last_login_at" FROM "users";--> statement-breakpoint
-- New users: one set-based insert per statement (a seed of 50,000 users is one INSERT here).
-- Both functions run as their owner (the migrating role), with a fixed search_path: a role that
-- may write users then needs no grant on users_search, and cannot redirect the writes.
CREATE FUNCTION "users_search_insert"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  INSERT INTO "users_search" ("id", "org_id", "email_key", "name_key", "created_at", "last_login_at")
    SELECT "id", "org_id", "email_key", lower("name"), "created_at", "last_login_at" FROM "new_users";
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "users_search_insert" AFTER INSERT ON "users"
  REFERENCING NEW TABLE AS "new_users"
  FOR EACH STATEMENT EXECUTE FUNCTION "users_search_insert"();--> statement-breakpoint
-- Changed users: only an UPDATE that sets one of these columns fires it (a role or status
-- change does not), and only a row whose values changed writes.
CREATE FUNCTION "users_search_update"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  UPDATE "users_search"
     SET "org_id" = NEW."org_id", "email_key" = NEW."email_key", "name_key" = lower(NEW."name"),
         "created_at" = NEW."created_at", "last_login_at" = NEW."last_login_at"
   WHERE "id" = NEW."id";
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "users_search_update" AFTER UPDATE OF "org_id", "email_key", "name", "created_at", "last_login_at" ON "users"
  FOR EACH ROW
  WHEN (OLD."org_id" IS DISTINCT FROM NEW."org_id" OR OLD."email_key" IS DISTINCT FROM NEW."email_key"
        OR OLD."name" IS DISTINCT FROM NEW."name" OR OLD."created_at" IS DISTINCT FROM NEW."created_at"
        OR OLD."last_login_at" IS DISTINCT FROM NEW."last_login_at")
  EXECUTE FUNCTION "users_search_update"();--> statement-breakpoint
-- Deleted users leave by the foreign key's cascade.
CREATE INDEX "users_search_text_trgm" ON "users_search" USING gin (("email_key" || chr(1) || "name_key") gin_trgm_ops) WITH (fastupdate=on,gin_pending_list_limit=1024);--> statement-breakpoint
-- The planner's estimate of a term's matches picks the search's plan (see 0005): its 500
-- buckets move with the search text to the new index.
ALTER INDEX "users_search_text_trgm" ALTER COLUMN 1 SET STATISTICS 500;--> statement-breakpoint
DROP INDEX "users_email_key_trgm";--> statement-breakpoint
DROP INDEX "users_name_trgm";--> statement-breakpoint
ANALYZE "users_search";
