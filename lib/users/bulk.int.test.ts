// Bulk delete, deactivate and change role: one outcome per input in input order, only permitted
// rows changed, chunking (chunks of 2 here), and outcomes that stay true when the database fails.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { eq, inArray } from "drizzle-orm";
import { invitations, organizations, users, type UserRow } from "../db/schema";
import { createWorld, type World } from "../testing/fixtures";
import { apiKeyPrincipal, apiKeysOf, auditMark, expectCode, uniqueEmail, withTrigger } from "../testing/helpers";
import type { Role, Status } from "../validation/enums";
import { createUsersCore, type BulkItemResult, type UsersCore } from "./index";

let w: World;
/** The same database with the default chunk size (everything in one transaction). */
let oneChunk: UsersCore;
beforeAll(async () => {
  w = await createWorld({ bulkChunkSize: 2 });
  oneChunk = createUsersCore(w.database.db, { appUrl: "http://roster.test" });
});
afterAll(() => w?.close());

const fresh = (role: Role = "member", status: Status = "active", org?: string) =>
  w.addUser(org ?? w.orgA, uniqueEmail(`${role}-${status}`), role, status);
const MISSING = "00000000-0000-4000-8000-000000000000";
const brief = (r: BulkItemResult[]) => r.map((x) => [x.input, x.outcome, x.code ?? null]);

async function newOrg(slug: string) {
  const [org] = await w.database.db.insert(organizations).values({ name: slug, slug }).returning();
  return org!.id;
}

describe("who may run bulk operations", () => {
  const ops = {
    bulkDelete: (p: Parameters<UsersCore["bulkDelete"]>[0], ids: string[]) => w.core.bulkDelete(p, { ids }),
    bulkDeactivate: (p: Parameters<UsersCore["bulkDelete"]>[0], ids: string[]) => w.core.bulkDeactivate(p, { ids }),
    bulkChangeRole: (p: Parameters<UsersCore["bulkDelete"]>[0], ids: string[]) => w.core.bulkChangeRole(p, { ids, role: "member" }),
  };
  const ACTION = { bulkDelete: "user.deleted", bulkDeactivate: "user.deactivated", bulkChangeRole: "user.role_changed" };

  for (const [name, run] of Object.entries(ops) as [keyof typeof ops, (typeof ops)[keyof typeof ops]][]) {
    for (const role of ["manager", "auditor", "member"] as const) {
      it(`${name} by ${role}: FORBIDDEN as a whole, nothing changed, one refusal audited`, async () => {
        const targets = [await fresh("member"), await fresh("member"), await fresh("manager")];
        const before = await Promise.all(targets.map((t) => w.reload(t.id)));
        const mark = await auditMark(w);
        await expectCode(run(w.as(w.u[role]), targets.map((t) => t.id)), "FORBIDDEN");
        expect(await Promise.all(targets.map((t) => w.reload(t.id)))).toEqual(before);
        const events = await mark.since();
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({ outcome: "refused", action: ACTION[name], actorId: w.u[role].id });
      });
    }

    it(`${name} by admin: done`, async () => {
      const targets = [await fresh("manager"), await fresh("auditor"), await fresh("admin")];
      const out = await run(w.as(w.u.admin), targets.map((t) => t.id));
      const expected = name === "bulkDelete" ? "deleted" : name === "bulkDeactivate" ? "deactivated" : "updated";
      expect(out.map((r) => r.outcome)).toEqual([expected, expected, expected]);
      expect(out.map((r) => r.userId)).toEqual(targets.map((t) => t.id));
      const after = await Promise.all(targets.map((t) => w.reload(t.id)));
      if (name === "bulkDelete") expect(after).toEqual([undefined, undefined, undefined]);
      if (name === "bulkDeactivate") expect(after.map((a) => a!.status)).toEqual(["deactivated", "deactivated", "deactivated"]);
      if (name === "bulkChangeRole") expect(after.map((a) => a!.role)).toEqual(["member", "member", "member"]);
    });
  }

  it("API keys: users:read deletes nothing; users:write deactivates but cannot delete; users:delete deletes", async () => {
    const [t1, t2] = [await fresh(), await fresh()];
    const reader = await apiKeyPrincipal(w, w.u.admin, ["users:read"]);
    const writer = await apiKeyPrincipal(w, w.u.admin, ["users:write"]);
    const deleter = await apiKeyPrincipal(w, w.u.admin, ["users:delete"]);
    await expectCode(w.core.bulkDelete(reader, { ids: [t1.id] }), "FORBIDDEN");
    await expectCode(w.core.bulkDeactivate(reader, { ids: [t1.id] }), "FORBIDDEN");
    await expectCode(w.core.bulkDelete(writer, { ids: [t1.id] }), "FORBIDDEN");
    expect(await w.reload(t1.id)).toEqual(t1);
    expect((await w.core.bulkDeactivate(writer, { ids: [t1.id] }))[0]!.outcome).toBe("deactivated");
    await expectCode(w.core.bulkDeactivate(deleter, { ids: [t2.id] }), "FORBIDDEN");
    expect((await w.core.bulkDelete(deleter, { ids: [t1.id, t2.id] })).map((r) => r.outcome)).toEqual(["deleted", "deleted"]);
    const revoked = await apiKeyPrincipal(w, w.u.admin, ["users:delete"], { revokedAt: new Date() });
    const t3 = await fresh();
    await expectCode(w.core.bulkDelete(revoked, { ids: [t3.id] }), "UNAUTHENTICATED");
    expect(await w.reload(t3.id)).toEqual(t3);
  });

  it("a manager cannot bulk-grant any role, and an admin cannot grant an unknown one", async () => {
    const t = await fresh();
    await expectCode(w.core.bulkChangeRole(w.as(w.u.manager), { ids: [t.id], role: "manager" }), "FORBIDDEN");
    await expectCode(w.core.bulkChangeRole(w.as(w.u.admin), { ids: [t.id], role: "owner" }), "VALIDATION");
    await expectCode(w.core.bulkDelete(w.as(w.u.admin), { ids: [t.id], orgId: w.orgB }), "VALIDATION");
    await expectCode(w.core.bulkDelete(w.as(w.u.admin), {}), "VALIDATION");
    expect(await w.reload(t.id)).toEqual(t);
  });
});

describe("SECURITY 9: a bulk delete holding yourself, the last admin, another org's id, a missing id and a duplicate", () => {
  for (const [label, core] of [
    ["chunks of 2", () => w.core],
    ["one chunk", () => oneChunk],
  ] as const) {
    it(`${label}: one outcome per input, in order; only permitted rows deleted`, async () => {
      const org = await newOrg(`org-d-${label.replace(/\W/g, "")}`);
      const me = await fresh("admin", "active", org);
      const otherAdmin = await fresh("admin", "active", org);
      const m1 = await fresh("member", "active", org);
      const m2 = await fresh("member", "active", org);
      const bystander = await fresh("member", "active", org);
      const mark = await auditMark(w);
      const ids = [m1.id, otherAdmin.id, me.id, w.u.bMember.id, MISSING, m1.id.toUpperCase(), "garbage"];
      const emails = [m2.email, ` ${m1.email.toUpperCase()}`, "member@b.test", "not an email"];
      const out = await core().bulkDelete(w.as(me), { ids, emails });
      expect(brief(out)).toEqual([
        [m1.id, "deleted", null],
        [otherAdmin.id, "deleted", null],
        [me.id, "skipped", "LAST_ADMIN"], // the other admin went first: I am the last one now
        [w.u.bMember.id, "not_found", "NOT_FOUND"],
        [MISSING, "not_found", "NOT_FOUND"],
        [m1.id.toUpperCase(), "skipped", "DUPLICATE"],
        ["garbage", "not_found", "NOT_FOUND"],
        [m2.email, "deleted", null],
        [m1.email.toUpperCase(), "skipped", "DUPLICATE"],
        ["member@b.test", "not_found", "NOT_FOUND"],
        ["not an email", "failed", "VALIDATION"],
      ]);
      expect(out[0]).toMatchObject({ userId: m1.id, email: m1.email });
      expect(out[3]).not.toHaveProperty("userId"); // nothing revealed about org B's user
      expect(out[9]).not.toHaveProperty("userId");

      const left = await w.database.db.select().from(users).where(eq(users.orgId, org));
      expect(left.map((u) => u.id).sort()).toEqual([me.id, bystander.id].sort());
      expect(await w.reload(w.u.bMember.id)).toEqual(w.u.bMember);
      expect(await w.reload(me.id)).toMatchObject({ role: "admin", status: "active" });

      const events = await mark.since();
      const success = events.filter((e) => e.outcome === "success");
      expect(success.map((e) => e.targetId).sort()).toEqual([m1.id, otherAdmin.id, m2.id].sort());
      expect(success.every((e) => e.action === "user.deleted")).toBe(true);
      const refused = events.filter((e) => e.outcome === "refused");
      expect(refused.map((e) => (e.changes as { code: string }).code).sort()).toEqual(
        ["LAST_ADMIN", "NOT_FOUND", "NOT_FOUND", "NOT_FOUND", "NOT_FOUND"].sort(),
      );
    });
  }

  it("yourself, while another admin remains: SELF_ACTION", async () => {
    const out = await w.core.bulkDelete(w.as(w.u.admin), { ids: [w.u.admin.id] });
    expect(brief(out)).toEqual([[w.u.admin.id, "skipped", "SELF_ACTION"]]);
    expect(await w.reload(w.u.admin.id)).toBeDefined();
  });

  it("the last admin is protected across chunks too (two admins in different chunks)", async () => {
    const org = await newOrg("org-e");
    const me = await fresh("admin", "active", org);
    const a2 = await fresh("admin", "active", org);
    const a3 = await fresh("admin", "active", org);
    const m = await fresh("member", "active", org);
    // chunks: [a2, m] [a3, me]
    const out = await w.core.bulkDeactivate(w.as(me), { ids: [a2.id, m.id, a3.id, me.id] });
    expect(brief(out)).toEqual([
      [a2.id, "deactivated", null],
      [m.id, "deactivated", null],
      [a3.id, "deactivated", null],
      [me.id, "skipped", "LAST_ADMIN"],
    ]);
    const active = await w.database.db.select().from(users).where(eq(users.orgId, org));
    expect(active.filter((u) => u.role === "admin" && u.status === "active").map((u) => u.id)).toEqual([me.id]);
  });

  it("duplicates are caught across chunks, by id or by email", async () => {
    const [a, b, c] = [await fresh(), await fresh(), await fresh()];
    const out = await w.core.bulkDeactivate(w.as(w.u.admin), { ids: [a.id, b.id, c.id, a.id], emails: [b.email.toUpperCase(), c.email] });
    expect(brief(out)).toEqual([
      [a.id, "deactivated", null],
      [b.id, "deactivated", null],
      [c.id, "deactivated", null],
      [a.id, "skipped", "DUPLICATE"],
      [b.email.toUpperCase(), "skipped", "DUPLICATE"],
      [c.email, "skipped", "DUPLICATE"],
    ]);
  });

  it("ids may be pasted as text", async () => {
    const [a, b] = [await fresh(), await fresh()];
    const out = await w.core.bulkDelete(w.as(w.u.admin), { ids: `${a.id}\n${b.id}, ${MISSING}` });
    expect(brief(out)).toEqual([
      [a.id, "deleted", null],
      [b.id, "deleted", null],
      [MISSING, "not_found", "NOT_FOUND"],
    ]);
  });
});

describe("SECURITY 10: the database fails in the middle of a bulk operation", () => {
  // The core logs each failed row; keep the output quiet but make sure it did.
  let logged: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    logged = vi.spyOn(console, "error").mockImplementation(() => {});
  });
  afterEach(() => {
    expect(logged).toHaveBeenCalledWith(expect.stringMatching(/^\[roster\] bulk row .* failed:$/), expect.anything());
    logged.mockRestore();
  });

  it("bulk delete: the row that failed says INTERNAL and is still there; the rest are deleted", async () => {
    const targets: UserRow[] = [];
    for (let i = 0; i < 5; i++) targets.push(await fresh());
    const poisoned = targets[2]!; // chunks: [0,1] [2,3] [4]
    const mark = await auditMark(w);
    const out = await withTrigger(
      w,
      "fail_one_delete",
      "users",
      "before delete",
      `begin if old.id = '${poisoned.id}' then raise exception 'disk on fire'; end if; return old; end`,
      () => w.core.bulkDelete(w.as(w.u.admin), { ids: targets.map((t) => t.id) }),
    );
    expect(brief(out)).toEqual(
      targets.map((t) => [t.id, t === poisoned ? "failed" : "deleted", t === poisoned ? "INTERNAL" : null]),
    );
    expect(out[2]!.message).toMatch(/not changed/);
    // True to the database:
    const still = await w.database.db.select({ id: users.id }).from(users).where(inArray(users.id, targets.map((t) => t.id)));
    expect(still.map((r) => r.id)).toEqual([poisoned.id]);
    const success = (await mark.since()).filter((e) => e.outcome === "success");
    expect(success.map((e) => e.targetId).sort()).toEqual(targets.filter((t) => t !== poisoned).map((t) => t.id).sort());
  });

  it("bulk deactivate in one chunk: the failure is isolated to its row", async () => {
    const targets: UserRow[] = [];
    for (let i = 0; i < 4; i++) targets.push(await fresh());
    const poisoned = targets[1]!;
    const out = await withTrigger(
      w,
      "fail_one_update",
      "users",
      "before update",
      `begin if old.id = '${poisoned.id}' then raise exception 'disk on fire'; end if; return new; end`,
      () => oneChunk.bulkDeactivate(w.as(w.u.admin), { ids: targets.map((t) => t.id) }),
    );
    expect(out.map((r) => r.outcome)).toEqual(["deactivated", "failed", "deactivated", "deactivated"]);
    expect(out[1]!.code).toBe("INTERNAL");
    const after = await Promise.all(targets.map((t) => w.reload(t.id)));
    expect(after.map((a) => a!.status)).toEqual(["deactivated", "active", "deactivated", "deactivated"]);
    expect(after[1]).toEqual(targets[1]);
  });
});

describe("bulk deactivate", () => {
  it("cuts access: sessions, API keys, pending invitations", async () => {
    const t = await fresh("manager");
    const key = await apiKeyPrincipal(w, t, ["users:read"]);
    const [inv] = await w.core.invite(w.as(w.u.admin), { emails: [uniqueEmail("bulk-inv")], inviteMode: "none" });
    const out = await w.core.bulkDeactivate(w.as(w.u.admin), { ids: [t.id, inv!.userId!] });
    expect(out.map((r) => r.outcome)).toEqual(["deactivated", "deactivated"]);
    expect((await w.reload(t.id))!.sessionVersion).toBe(t.sessionVersion + 1);
    await expectCode(w.core.list(w.as(t), {}), "UNAUTHENTICATED");
    await expectCode(w.core.list(key, {}), "UNAUTHENTICATED");
    expect((await apiKeysOf(w, t.id)).every((k) => k.revokedAt)).toBe(true);
    const invs = await w.database.db.select().from(invitations).where(eq(invitations.userId, inv!.userId!));
    expect(invs.every((i) => i.revokedAt)).toBe(true);
    await expectCode(w.core.previewInvitation(inv!.invitationLink!.split("/").pop()), "NOT_FOUND");
  });

  it("an already deactivated user is skipped, with no event and no write", async () => {
    const t = await fresh("member", "deactivated");
    const mark = await auditMark(w);
    const out = await w.core.bulkDeactivate(w.as(w.u.admin), { ids: [t.id] });
    expect(out).toEqual([{ input: t.id, userId: t.id, email: t.email, outcome: "skipped", message: "Already deactivated" }]);
    expect(await w.reload(t.id)).toEqual(t);
    expect(await mark.since()).toEqual([]);
  });
});

describe("bulk change role", () => {
  it("changes roles, ends sessions, revokes keys above the new role; skips no-ops and self", async () => {
    const a = await fresh("admin");
    const keyA = await apiKeyPrincipal(w, a, ["users:delete"]);
    const m = await fresh("member");
    const already = await fresh("auditor");
    const out = await w.core.bulkChangeRole(w.as(w.u.admin), { ids: [a.id, m.id, already.id, w.u.admin.id], role: "auditor" });
    expect(brief(out)).toEqual([
      [a.id, "updated", null],
      [m.id, "updated", null],
      [already.id, "skipped", null],
      [w.u.admin.id, "skipped", "SELF_ACTION"],
    ]);
    expect(out[2]!.message).toBe("Already an auditor");
    expect(await w.reload(a.id)).toMatchObject({ role: "auditor", sessionVersion: a.sessionVersion + 1 });
    expect(await w.reload(m.id)).toMatchObject({ role: "auditor" });
    expect(await w.reload(already.id)).toEqual(already);
    expect((await w.reload(w.u.admin.id))!.role).toBe("admin");
    await expectCode(w.core.list(keyA, {}), "UNAUTHENTICATED");
  });

  it("promoting to admin is allowed for an admin", async () => {
    const m = await fresh("member");
    expect((await w.core.bulkChangeRole(w.as(w.u.admin), { emails: [m.email], role: "admin" }))[0]!.outcome).toBe("updated");
    expect((await w.reload(m.id))!.role).toBe("admin");
  });

  it("demoting the last admin is refused per row", async () => {
    const org = await newOrg("org-f");
    const me = await fresh("admin", "active", org);
    const other = await fresh("admin", "active", org);
    const out = await w.core.bulkChangeRole(w.as(me), { ids: [other.id, me.id], role: "manager" });
    expect(brief(out)).toEqual([
      [other.id, "updated", null],
      [me.id, "skipped", "LAST_ADMIN"],
    ]);
  });
});

describe("dry run", () => {
  it("reports what would happen and changes nothing, writing no events", async () => {
    const [a, b] = [await fresh(), await fresh()];
    const mark = await auditMark(w);
    const out = await w.core.bulkDelete(w.as(w.u.admin), { ids: [a.id, b.id, w.u.admin.id, MISSING], dryRun: true });
    expect(brief(out)).toEqual([
      [a.id, "deleted", null],
      [b.id, "deleted", null],
      [w.u.admin.id, "skipped", "SELF_ACTION"],
      [MISSING, "not_found", "NOT_FOUND"],
    ]);
    expect(await w.reload(a.id)).toEqual(a);
    expect(await w.reload(b.id)).toEqual(b);
    expect(await mark.since()).toEqual([]);
  });
});

describe("items: ids and emails mixed, as pasted", () => {
  it("each item is an id or an email by its shape; outcomes keep the pasted order", async () => {
    const [a, b] = [await fresh(), await fresh()];
    const out = await w.core.bulkDeactivate(w.as(w.u.admin), {
      items: `${b.email};${a.id}\tnobody@nowhere.test, junk\n${b.id}`,
    });
    expect(brief(out)).toEqual([
      [b.email, "deactivated", null],
      [a.id, "deactivated", null],
      ["nobody@nowhere.test", "not_found", "NOT_FOUND"],
      ["junk", "not_found", "NOT_FOUND"],
      [b.id, "skipped", "DUPLICATE"], // b was named first by email
    ]);
    expect((await w.reload(a.id))!.status).toBe("deactivated");
  });

  it("the same missing email pasted twice: two outcomes, two refusal events alike in every column", async () => {
    const mark = await auditMark(w);
    const out = await oneChunk.bulkDelete(w.as(w.u.admin), { items: "ghost@nowhere.test\nghost@nowhere.test" });
    expect(brief(out)).toEqual([
      ["ghost@nowhere.test", "not_found", "NOT_FOUND"],
      ["ghost@nowhere.test", "not_found", "NOT_FOUND"],
    ]);
    const events = await mark.since();
    expect(events).toHaveLength(2);
    const withoutId = ({ id, ...rest }: (typeof events)[number]) => (expect(id).toBeTruthy(), rest);
    const [first, second] = events.map(withoutId);
    expect(second).toEqual(first);
    expect(first).toMatchObject({ action: "user.deleted", outcome: "refused", targetId: null, actorId: w.u.admin.id });
  });

  it("a batch's events: shared columns (org, actor, action, time) and per-row ones (target, changes, outcome)", async () => {
    const [a, b] = [await fresh("member", "active"), await fresh("member", "invited")];
    const mark = await auditMark(w);
    await oneChunk.bulkDeactivate(w.as(w.u.admin), { items: [a.email, b.id, "nobody@nowhere.test"] });
    const events = await mark.since();
    const byTarget = (id: string | null) => events.find((e) => e.targetId === id)!;
    expect(events).toHaveLength(3);
    expect(new Set(events.map((e) => e.createdAt.getTime())).size).toBe(1);
    for (const e of events) expect(e).toMatchObject({ orgId: w.orgA, actorId: w.u.admin.id, actorEmail: w.u.admin.email, action: "user.deactivated" });
    expect(byTarget(a.id)).toMatchObject({ targetEmail: a.email, outcome: "success", changes: { status: { old: "active", new: "deactivated" } } });
    expect(byTarget(b.id)).toMatchObject({ targetEmail: b.email, outcome: "success", changes: { status: { old: "invited", new: "deactivated" } } });
    expect(byTarget(null)).toMatchObject({ targetEmail: null, outcome: "refused", changes: { code: "NOT_FOUND", input: "nobody@nowhere.test" } });
  });
});

describe("by filter: all users matching the list's filter", () => {
  async function tagged(tag: string, n: number, org = w.orgA, role: Role = "member", status: Status = "active") {
    const made: UserRow[] = [];
    for (let i = 0; i < n; i++) made.push(await w.addUser(org, uniqueEmail(tag), role, status));
    return made;
  }

  it("dry run lists the matching users of the caller's org in the list's order; the run acts on exactly them", async () => {
    const mine = await tagged("fltalpha", 5);
    const other = await tagged("fltalpha", 2, w.orgB);
    const mark = await auditMark(w);
    const preview = await w.core.bulkDelete(w.as(w.u.admin), { filter: { q: "fltalpha", sort: "email" }, dryRun: true });
    const inOrder = [...mine].sort((x, y) => (x.emailKey < y.emailKey ? -1 : 1));
    expect(preview.map((r) => [r.input, r.userId, r.email, r.outcome])).toEqual(inOrder.map((u) => [u.id, u.id, u.email, "deleted"]));
    expect(await mark.since()).toEqual([]);
    expect((await w.reload(mine[0]!.id))).toEqual(mine[0]);

    const out = await w.core.bulkDelete(w.as(w.u.admin), { filter: { q: "fltalpha", sort: "email" } });
    expect(out.map((r) => r.outcome)).toEqual(mine.map(() => "deleted"));
    for (const u of mine) expect(await w.reload(u.id)).toBeUndefined();
    for (const u of other) expect(await w.reload(u.id)).toEqual(u);
  });

  it("status and role filters; blocked rows are reported like any other (yourself)", async () => {
    const org = await newOrg("org-flt");
    const me = await fresh("admin", "active", org);
    const otherAdmin = await fresh("admin", "active", org);
    const managers = await tagged("fltbeta", 3, org, "manager");
    await tagged("fltbeta", 2, org, "member");
    const out = await w.core.bulkChangeRole(w.as(me), { filter: { role: ["admin", "manager"], sort: "created" }, role: "auditor" });
    expect(brief(out)).toEqual([
      [me.id, "skipped", "SELF_ACTION"],
      [otherAdmin.id, "updated", null],
      ...managers.map((m) => [m.id, "updated", null]),
    ]);
    const after = await w.database.db.select().from(users).where(eq(users.orgId, org));
    expect(after.filter((u) => u.role === "auditor")).toHaveLength(4);
    expect(after.filter((u) => u.role === "member")).toHaveLength(2);
  });

  it("more matches than the limit: VALIDATION with a clear message, nothing changed", async () => {
    const limited = createUsersCore(w.database.db, { appUrl: "http://roster.test", bulkFilterLimit: 3 });
    const made = await tagged("fltgamma", 4);
    const err = await expectCode(limited.bulkDeactivate(w.as(w.u.admin), { filter: { q: "fltgamma" } }), "VALIDATION");
    expect(err.message).toBe("This filter matches more than 3 users; narrow it down (at most 3 at once)");
    expect(err.fields).toEqual({ filter: [err.message] });
    for (const u of made) expect(await w.reload(u.id)).toEqual(u);
    // Exactly at the limit is fine.
    await w.core.bulkDelete(w.as(w.u.admin), { ids: [made[3]!.id] });
    expect((await limited.bulkDeactivate(w.as(w.u.admin), { filter: { q: "fltgamma" } })).map((r) => r.outcome)).toEqual([
      "deactivated",
      "deactivated",
      "deactivated",
    ]);
  });

  it("the filter is re-checked under each chunk's locks: a user who stopped matching is skipped, not acted on", async () => {
    const made = await tagged("fltdelta", 4, w.orgA, "member", "deactivated"); // chunks of 2: [0,1] [2,3]
    const byCreated = made; // created in this order
    const escapee = byCreated[3]!;
    // While the first chunk commits, someone reactivates the last user (a trigger does it here).
    const out = await withTrigger(
      w,
      "reactivate_on_audit",
      "audit_events",
      "after insert",
      `begin update users set status = 'active', deactivated_at = null where id = '${escapee.id}'; return new; end`,
      () => w.core.bulkDelete(w.as(w.u.admin), { filter: { q: "fltdelta", status: ["deactivated"], sort: "created" } }),
    );
    expect(brief(out)).toEqual([
      [byCreated[0]!.id, "deleted", null],
      [byCreated[1]!.id, "deleted", null],
      [byCreated[2]!.id, "deleted", null],
      [escapee.id, "skipped", "CONFLICT"],
    ]);
    expect(out[3]!.message).toMatch(/no longer matches/);
    expect(await w.reload(escapee.id)).toMatchObject({ status: "active" });
  });

  it("a filter and a list together, or an unknown filter key: VALIDATION", async () => {
    const t = await fresh();
    await expectCode(w.core.bulkDelete(w.as(w.u.admin), { ids: [t.id], filter: { q: "x" } }), "VALIDATION");
    await expectCode(w.core.bulkDelete(w.as(w.u.admin), { filter: { q: "x", orgId: w.orgB } }), "VALIDATION");
    await expectCode(w.core.bulkDelete(w.as(w.u.admin), { filter: { status: ["gone"] } }), "VALIDATION");
    expect(await w.reload(t.id)).toEqual(t);
  });

  it("a manager by filter: FORBIDDEN before anything is resolved, one refusal audited", async () => {
    const made = await tagged("fltepsilon", 2);
    const mark = await auditMark(w);
    await expectCode(w.core.bulkDelete(w.as(w.u.manager), { filter: { q: "fltepsilon" } }), "FORBIDDEN");
    const events = await mark.since();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: "user.deleted", outcome: "refused" });
    for (const u of made) expect(await w.reload(u.id)).toEqual(u);
  });
});

describe("dry run: what goes with each user", () => {
  it("delete and deactivate count active API keys and pending invitations; a role change only keys above the role", async () => {
    const t = await fresh("manager");
    await apiKeyPrincipal(w, t, ["users:read"]);
    await apiKeyPrincipal(w, t, ["users:read", "users:write"]);
    await apiKeyPrincipal(w, t, ["users:read"], { revokedAt: new Date() });
    await apiKeyPrincipal(w, t, ["users:read"], { expiresAt: new Date(Date.now() - 1000) });
    const [inv] = await w.core.invite(w.as(w.u.admin), { emails: [uniqueEmail("fx-inv")], inviteMode: "none" });
    const plain = await fresh();

    const del = await w.core.bulkDelete(w.as(w.u.admin), { ids: [t.id, inv!.userId!, plain.id, w.u.admin.id], dryRun: true });
    expect(del.map((r) => r.effects)).toEqual([
      { apiKeys: 2, invitations: 0 },
      { apiKeys: 0, invitations: 1 },
      { apiKeys: 0, invitations: 0 },
      undefined, // blocked (yourself): nothing goes
    ]);
    const deact = await w.core.bulkDeactivate(w.as(w.u.admin), { ids: [t.id, inv!.userId!], dryRun: true });
    expect(deact.map((r) => r.effects)).toEqual([
      { apiKeys: 2, invitations: 0 },
      { apiKeys: 0, invitations: 1 },
    ]);
    // An auditor keeps users:read keys but not users:write ones.
    const role = await w.core.bulkChangeRole(w.as(w.u.admin), { ids: [t.id, inv!.userId!], role: "auditor", dryRun: true });
    expect(role.map((r) => r.effects)).toEqual([
      { apiKeys: 1, invitations: 0 },
      { apiKeys: 0, invitations: 0 },
    ]);
    // The real run reports outcomes only.
    const real = await w.core.bulkChangeRole(w.as(w.u.admin), { ids: [t.id], role: "auditor" });
    expect(real[0]).not.toHaveProperty("effects");
    expect((await apiKeysOf(w, t.id)).filter((k) => !k.revokedAt && (!k.expiresAt || k.expiresAt > new Date()))).toHaveLength(1);
  });
});
