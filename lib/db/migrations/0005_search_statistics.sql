-- Finer planner statistics for the two columns a substring search filters (`email_key` and the
-- `lower(name)` expression, whose statistics live with its trigram index). The list picks its
-- plan by the planner's estimate of a term's matches (lib/users/list.ts `searchPlan`), and for
-- `like '%term%'` that estimate is the share of the column's histogram the pattern matches:
-- with 100 buckets a term matching 2% of a million users was estimated anywhere from 10,000 to
-- 60,000 from one ANALYZE to the next, and past 50,000 it took the ordered walk (1.3 s instead
-- of ~0.1 s). 500 buckets: ~5x finer. ANALYZE reads a larger sample (a few seconds at 1M).
ALTER TABLE "users" ALTER COLUMN "email_key" SET STATISTICS 500;--> statement-breakpoint
ALTER INDEX "users_name_trgm" ALTER COLUMN 1 SET STATISTICS 500;
