DROP INDEX "users_email_key_trgm";--> statement-breakpoint
DROP INDEX "users_name_trgm";--> statement-breakpoint
CREATE INDEX "users_email_key_trgm" ON "users" USING gin ("email_key" gin_trgm_ops) WITH (fastupdate=off);--> statement-breakpoint
CREATE INDEX "users_name_trgm" ON "users" USING gin (lower("name") gin_trgm_ops) WITH (fastupdate=off);