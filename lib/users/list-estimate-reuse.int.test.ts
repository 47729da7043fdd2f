// searchPlan reuses a filter's planner estimate for ESTIMATE_REUSE_MS (list.ts recentEstimate):
// the estimate only steers the plan and labels large totals, so reusing it must never freeze an
// exact total: users added or removed a moment later are counted at once.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { organizations, users } from "../db/schema";
import { createWorld, type World } from "../testing/fixtures";
import { emailKey } from "../validation/users";
import type { Principal } from "./index";

let w: World;
let admin: Principal;
let orgId: string;
beforeAll(async () => {
  w = await createWorld();
  const [org] = await w.database.db.insert(organizations).values({ name: "Org E", slug: "org-e" }).returning();
  orgId = org!.id;
  admin = w.as(await w.addUser(orgId, "admin@e.test", "admin"));
});
afterAll(() => w?.close());

const add = (n: number, tag: string) =>
  w.database.db.insert(users).values(
    Array.from({ length: n }, (_, i) => ({ orgId, email: `${tag}${i}@e.test`, emailKey: emailKey(`${tag}${i}@e.test`), name: `${tag} ${i}`, role: "member" as const, status: "active" as const })),
  );

describe("reused planner estimates", () => {
  it("an exact total moves at once with the rows, for a whole-org list and for a search", async () => {
    await add(5, "kept");
    for (const q of [undefined, "kept"]) {
      const before = await w.core.list(admin, { q });
      expect(before.totalExact).toBe(true);
      // Three more users that the whole org and the search both count.
      await add(3, `kept-late-${q ?? "all"}-`);
      const after = await w.core.list(admin, { q });
      expect(after.totalExact).toBe(true);
      expect(after.total).toBe(before.total + 3);
    }
    await w.database.db.delete(users).where(eq(users.emailKey, "kept0@e.test"));
    const search = await w.core.list(admin, { q: "kept" });
    expect(search).toMatchObject({ total: 10, totalExact: true });
    expect(search.data.map((u) => u.email)).not.toContain("kept0@e.test");
  });

  it("past the exact range a moment later, the total says so (a capped count never claims exactness)", async () => {
    const small = await w.core.list(admin, { q: "bulk" });
    expect(small).toMatchObject({ total: 0, totalExact: true });
    await add(1200, "bulk");
    const large = await w.core.list(admin, { q: "bulk" });
    expect(large.totalExact).toBe(false);
    expect(large.total).toBeGreaterThan(1000);
  });
});
