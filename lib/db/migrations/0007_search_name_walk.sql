-- A substring term too common to read all its matches first (lib/users/list.ts `searchPlan`),
-- sorted by name, walks the name order and filters as it goes. It walked users' own name index,
-- reading a users row (~290 bytes, mostly from outside the buffer pool) for every row it
-- passed: `son` at 1M users passed 17,000 rows before its 51st match, 63-116 ms, and pushed
-- users_search's pages out of the pool for the searches after it. This walks users_search's
-- names instead, and with the email key in the index it reads no table page (index-only).
CREATE INDEX "users_search_org_name" ON "users_search" USING btree ("org_id","name_key" collate "C","id","email_key");
