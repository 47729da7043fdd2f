// The overview's figures, and the users-list filters they link to: each figure equals the total
// of the list its query opens (invitations pending/expired, never signed in, not seen since).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, inArray } from "drizzle-orm";
import { organizations, users, type UserRow } from "../db/schema";
import { createWorld, type World } from "../testing/fixtures";
import { expectCode } from "../testing/helpers";
import { createUsersCore, type UsersCore } from "./index";
import { NOT_SEEN_DAYS } from "./overview";

let w: World;
let core: UsersCore;
let clock = new Date("2026-06-01T12:00:00Z");
const DAY = 86_400_000;
const TTL_HOURS = 72;
let e: Record<"admin" | "auditor" | "manager", UserRow>;
const made: Record<string, string[]> = {};

async function add(label: string, n: number, status: "active" | "deactivated", lastLoginDaysAgo: number | null) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const u = await w.addUser(orgE, `${label}${i}@e.test`, "member", status);
    if (lastLoginDaysAgo !== null) {
      await w.database.db.update(users).set({ lastLoginAt: new Date(clock.getTime() - lastLoginDaysAgo * DAY) }).where(eq(users.id, u.id));
    }
    ids.push(u.id);
  }
  made[label] = ids;
}
let orgE: string;

beforeAll(async () => {
  w = await createWorld();
  core = createUsersCore(w.database.db, { appUrl: "http://roster.test", invitationTtlHours: TTL_HOURS }, () => clock);
  const [org] = await w.database.db.insert(organizations).values({ name: "Org E", slug: "org-e" }).returning();
  orgE = org!.id;
  e = {
    admin: await w.addUser(orgE, "admin@e.test", "admin"),
    auditor: await w.addUser(orgE, "auditor@e.test", "auditor"),
    manager: await w.addUser(orgE, "manager@e.test", "manager"),
  };
  // The three console users signed in today.
  await w.database.db.update(users).set({ lastLoginAt: clock }).where(inArray(users.id, Object.values(e).map((u) => u.id)));
  await add("never", 3, "active", null);
  await add("gone", 1, "deactivated", null); // never signed in, but deactivated: not counted
  await add("stale", 2, "active", NOT_SEEN_DAYS + 10);
  await add("edge", 1, "active", NOT_SEEN_DAYS - 10); // seen within the window
  await add("recent", 1, "active", 10);
  // Invitations: three sent now (they will expire), one revoked; then, past their expiry, two more.
  const first = await core.invite(w.as(e.admin), { emails: ["old1@e.test", "old2@e.test", "old3@e.test", "revoked@e.test"] });
  await core.revokeInvitation(w.as(e.admin), first[3]!.userId!);
  clock = new Date(clock.getTime() + (TTL_HOURS + 1) * 3_600_000);
  await core.invite(w.as(e.admin), { emails: ["new1@e.test", "new2@e.test"] });
  clock = new Date(clock.getTime() + 3_600_000);
});
afterAll(() => w?.close());

const as = (u: UserRow) => w.as(u);

describe("users-list activity filters", () => {
  const emails = async (query: Record<string, unknown>) =>
    (await core.list(as(e.auditor), { ...query, limit: 100 })).data.map((u) => u.email).sort();

  it("invitation: pending or expired (a revoked one is neither)", async () => {
    expect(await emails({ invitation: "expired" })).toEqual(["old1@e.test", "old2@e.test", "old3@e.test"]);
    expect(await emails({ invitation: "pending" })).toEqual(["new1@e.test", "new2@e.test"]);
  });

  it("neverSignedIn, with or without a status (invited people have never signed in either)", async () => {
    expect(await emails({ neverSignedIn: true, status: "active" })).toEqual(["never0@e.test", "never1@e.test", "never2@e.test"]);
    expect(await emails({ neverSignedIn: "true", status: ["deactivated"] })).toEqual(["gone0@e.test"]);
    expect((await emails({ neverSignedIn: "1" })).length).toBe(3 + 1 + 6);
    // false is no filter at all.
    expect((await emails({ neverSignedIn: false })).length).toBe((await emails({})).length);
  });

  it("notSeenSince: signed in before that day, never since (never-signed-in excluded)", async () => {
    const since = new Date(clock.getTime() - NOT_SEEN_DAYS * DAY).toISOString().slice(0, 10);
    expect(await emails({ notSeenSince: since })).toEqual(["stale0@e.test", "stale1@e.test"]);
    expect(await emails({ notSeenSince: "2030-01-01" })).toHaveLength(3 + 2 + 1 + 1);
  });

  it("combine with search and sort, and page", async () => {
    const page = await core.list(as(e.auditor), { neverSignedIn: true, status: "active", q: "never", sort: "-email", limit: 2 });
    expect(page.data.map((u) => u.email)).toEqual(["never2@e.test", "never1@e.test"]);
    const next = await core.list(as(e.auditor), { neverSignedIn: true, status: "active", q: "never", sort: "-email", limit: 2, cursor: page.nextCursor! });
    expect(next.data.map((u) => u.email)).toEqual(["never0@e.test"]);
  });

  it("refuse bad values with VALIDATION", async () => {
    await expectCode(core.list(as(e.auditor), { invitation: "accepted" }), "VALIDATION");
    await expectCode(core.list(as(e.auditor), { neverSignedIn: "yes" }), "VALIDATION");
    await expectCode(core.list(as(e.auditor), { notSeenSince: "2026-02-30" }), "VALIDATION");
    await expectCode(core.list(as(e.auditor), { notSeenSince: "90 days" }), "VALIDATION");
  });

  it("apply to the export too", async () => {
    const file = await core.export(as(e.auditor), { invitation: "expired" }, "json");
    const rows = JSON.parse(await new Response(file.body).text()) as { email: string; invitationState: string }[];
    expect(rows.map((r) => [r.email, r.invitationState]).sort()).toEqual([
      ["old1@e.test", "expired"],
      ["old2@e.test", "expired"],
      ["old3@e.test", "expired"],
    ]);
  });
});

describe("the overview", () => {
  it("counts by status and role", async () => {
    const o = await core.overview(as(e.manager));
    expect(o.stats).toMatchObject({
      total: 3 + 3 + 1 + 2 + 1 + 1 + 6,
      byStatus: { active: 3 + 3 + 2 + 1 + 1, invited: 6, deactivated: 1 },
      byRole: { admin: 1, manager: 1, auditor: 1 },
      exact: true,
    });
  });

  it("names the oldest pending and expired invitations, oldest first, with how many there are", async () => {
    const o = await core.overview(as(e.auditor));
    expect(o.invitations.expired).toMatchObject({ total: 3, totalExact: true, query: { invitation: "expired" } });
    expect(o.invitations.expired.oldest.map((i) => i.email).sort()).toEqual(["old1@e.test", "old2@e.test", "old3@e.test"]);
    expect(o.invitations.pending).toMatchObject({ total: 2, query: { invitation: "pending" } });
    const pending = o.invitations.pending.oldest;
    expect(pending.map((i) => i.email).sort()).toEqual(["new1@e.test", "new2@e.test"]);
    expect(pending.every((i, k) => k === 0 || i.expiresAt >= pending[k - 1]!.expiresAt)).toBe(true);
    expect(new Date(pending[0]!.expiresAt).getTime()).toBeGreaterThan(clock.getTime());
  });

  it("every figure equals the total of the users list its query opens", async () => {
    const o = await core.overview(as(e.auditor));
    expect(o.neverSignedIn.total).toBe(3);
    expect(o.notSeen).toMatchObject({ total: 2, days: NOT_SEEN_DAYS, since: new Date(clock.getTime() - NOT_SEEN_DAYS * DAY).toISOString().slice(0, 10) });
    for (const f of [o.invitations.pending, o.invitations.expired, o.neverSignedIn, o.notSeen]) {
      const list = await core.list(as(e.auditor), f.query);
      expect(list.total, JSON.stringify(f.query)).toBe(f.total);
    }
  });

  it("shows recent admin activity to those who may read the audit log, newest first", async () => {
    const o = await core.overview(as(e.auditor));
    expect(o.adminActivity!.length).toBeGreaterThan(0);
    expect(o.adminActivity!.every((a) => a.actorId === e.admin.id)).toBe(true);
    expect(o.adminActivity![0]).toMatchObject({ action: "user.invited", targetEmail: expect.stringMatching(/^new[12]@e.test$/) });
    expect((await core.overview(as(e.manager))).adminActivity).toBeNull();
  });

  it("is for console roles, and stays within the org", async () => {
    await expectCode(core.overview(w.as(w.u.member)), "FORBIDDEN");
    const a = await core.overview(w.as(w.u.admin));
    expect(a.invitations.expired.oldest.some((i) => i.email.endsWith("@e.test"))).toBe(false);
    expect(a.adminActivity!.every((x) => x.actorEmail?.endsWith("@a.test"))).toBe(true);
  });
});
