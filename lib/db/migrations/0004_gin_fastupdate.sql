-- The trigram indexes take writes through a small pending list again (fastupdate, 1 MB): a
-- bulk deactivation or role change of 1,000 users rewrote ~40,000 trigram entries one by one
-- (most of its time); batched, 2.5-3x less (bench/README.md, "bulk"). A storage parameter
-- change: no rebuild; rows already indexed stay where they are.
ALTER INDEX "users_email_key_trgm" SET (fastupdate = on, gin_pending_list_limit = 1024);--> statement-breakpoint
ALTER INDEX "users_name_trgm" SET (fastupdate = on, gin_pending_list_limit = 1024);
