// The bulk actions at their door (SECURITY.md 3, 5, 6, 9, 10): the caller comes from the session
// (faked here), the real core runs on a test database (chunks of 2, so batches span chunks).
// Each bulk action, for each role: allowed, or FORBIDDEN with nothing changed; mixed batches
// answer one outcome per input in order and change only the permitted rows; a fault injected
// mid-batch leaves outcomes true to the database.
import { eq, inArray } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { auditEvents, organizations, users, type UserRow } from "@/lib/db/schema";
import { type DoorState, setUpDoorWorld } from "@/lib/testing/doors";
import type { World } from "@/lib/testing/fixtures";
import { uniqueEmail, withTrigger } from "@/lib/testing/helpers";
import type { BulkItemResult } from "@/lib/users/types";
import type { Role, Status } from "@/lib/validation/enums";

const state = vi.hoisted((): DoorState => ({ principal: null, world: null }));
vi.mock("@/lib/auth/session", () => ({ currentPrincipal: async () => state.principal }));
vi.mock("@/lib/users", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/users")>()),
  getUsersCore: async () => state.world!.core,
}));

const actions = await import("./actions");

let w: World;
setUpDoorWorld(state, (world) => (w = world), { bulkChunkSize: 2 });

const as = (user: UserRow) => {
  state.principal = w.as(user);
};
const fresh = (role: Role = "member", status: Status = "active", org = w.orgA) => w.addUser(org, uniqueEmail(`door-${role}`), role, status);
const reload = (ids: string[]) =>
  Promise.all(ids.map(async (id) => (await w.database.db.select().from(users).where(eq(users.id, id)))[0]));
const brief = (r: BulkItemResult[]) => r.map((x) => [x.input, x.outcome, x.code ?? null]);
const MISSING = "00000000-0000-4000-8000-000000000000";

type Op = "bulkDeleteAction" | "bulkDeactivateAction" | "bulkChangeRoleAction";
const OPS: Record<Op, { call: (input: Record<string, unknown>) => ReturnType<(typeof actions)["bulkDeleteAction"]>; done: string; check: (row: UserRow | undefined) => boolean }> = {
  bulkDeleteAction: { call: (i) => actions.bulkDeleteAction(i), done: "deleted", check: (r) => r === undefined },
  bulkDeactivateAction: { call: (i) => actions.bulkDeactivateAction(i), done: "deactivated", check: (r) => r?.status === "deactivated" },
  bulkChangeRoleAction: { call: (i) => actions.bulkChangeRoleAction({ ...i, role: "auditor" }), done: "updated", check: (r) => r?.role === "auditor" },
};

async function newOrg(slug: string) {
  const [org] = await w.database.db.insert(organizations).values({ name: slug, slug }).returning();
  return org!.id;
}

describe("each bulk action, for each role", () => {
  for (const [name, op] of Object.entries(OPS) as [Op, (typeof OPS)[Op]][]) {
    for (const role of ["admin", "manager", "auditor", "member"] as const) {
      const allowed = role === "admin";
      it(`${name} as ${role}: ${allowed ? "allowed" : "FORBIDDEN, nothing changed"}`, async () => {
        const targets = [await fresh("member"), await fresh("manager"), await fresh("member", "invited")];
        const ids = targets.map((t) => t.id);
        const before = await reload(ids);
        as(w.u[role]);
        for (const input of [{ ids }, { ids, dryRun: true }, { filter: { q: targets[0]!.email } }]) {
          const result = await op.call(input);
          if (allowed) {
            expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
          } else {
            expect(result).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
            expect(await reload(ids)).toEqual(before);
          }
        }
        if (allowed) expect((await reload(ids)).every(op.check)).toBe(true);
      });
    }
  }

  it("an auditor cannot even dry-run, and reads keep working (SECURITY 3)", async () => {
    as(w.u.auditor);
    expect(await actions.bulkDeleteAction({ ids: [w.u.member.id], dryRun: true })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect((await w.core.get(w.as(w.u.auditor), w.u.member.id)).id).toBe(w.u.member.id);
  });
});

describe("mixed batches at the door (SECURITY 9)", () => {
  for (const [name, op] of Object.entries(OPS) as [Op, (typeof OPS)[Op]][]) {
    it(`${name}: yourself, the last admin, another org's id, a missing id and a duplicate`, async () => {
      const org = await newOrg(`door-${name.toLowerCase()}`);
      const me = await fresh("admin", "active", org);
      const otherAdmin = await fresh("admin", "active", org);
      const m1 = await fresh("member", "active", org);
      const m2 = await fresh("manager", "active", org);
      const bystander = await fresh("member", "active", org);
      const theirs = await fresh("member", "active", w.orgB);
      as(me);
      const result = await op.call({
        items: [m1.id, otherAdmin.id, me.id, theirs.id, MISSING, m1.email.toUpperCase(), theirs.email, m2.email, "not-an-email@"],
      });
      expect(result.ok).toBe(true);
      const out = result.ok ? result.data : [];
      // The other admin goes first, so by the time "me" comes up I am the last admin.
      expect(brief(out)).toEqual([
        [m1.id, op.done, null],
        [otherAdmin.id, op.done, null],
        [me.id, "skipped", "LAST_ADMIN"],
        [theirs.id, "not_found", "NOT_FOUND"],
        [MISSING, "not_found", "NOT_FOUND"],
        [m1.email.toUpperCase(), "skipped", "DUPLICATE"],
        [theirs.email, "not_found", "NOT_FOUND"],
        [m2.email, op.done, null],
        ["not-an-email@", "failed", "VALIDATION"],
      ]);
      expect(out[3]).not.toHaveProperty("userId"); // nothing revealed about another org's user
      expect(out[3]).not.toHaveProperty("email");
      const [rm1, rAdmin, rMe, rM2, rBystander, rTheirs] = await reload([m1.id, otherAdmin.id, me.id, m2.id, bystander.id, theirs.id]);
      expect([rm1, rAdmin, rM2].every(op.check)).toBe(true);
      expect(rMe).toMatchObject({ role: "admin", status: "active" });
      expect(rBystander).toEqual(bystander);
      expect(rTheirs).toEqual(theirs);
    });
  }

  it("extra fields are refused by the strict schema and nothing changes (SECURITY 6)", async () => {
    const t = await fresh();
    as(w.u.admin);
    for (const input of [
      { ids: [t.id], orgId: w.orgB },
      { ids: [t.id], filter: { q: "x" } },
      { filter: { q: "x", orgId: w.orgB } },
      { ids: [t.id], status: "active" },
      "not an object",
    ]) {
      expect(await actions.bulkDeleteAction(input)).toMatchObject({ ok: false, error: { code: "VALIDATION" } });
    }
    expect((await reload([t.id]))[0]).toEqual(t);
  });

  it("by filter: another org's matching users are never touched (SECURITY 5)", async () => {
    const tag = `doorflt${Date.now()}`;
    const mine = await w.addUser(w.orgA, `${tag}-1@a.test`);
    const theirs = await w.addUser(w.orgB, `${tag}-2@b.test`);
    as(w.u.admin);
    const result = await actions.bulkDeleteAction({ filter: { q: tag } });
    expect(result).toMatchObject({ ok: true, data: [{ input: mine.id, outcome: "deleted" }] });
    expect(result.ok && result.data).toHaveLength(1);
    expect((await reload([theirs.id]))[0]).toEqual(theirs);
  });

  it("an admin deactivated since signing in is UNAUTHENTICATED at once (SECURITY 11)", async () => {
    const admin = await fresh("admin");
    as(admin);
    await w.database.db.update(users).set({ status: "deactivated" }).where(eq(users.id, admin.id));
    const t = await fresh();
    expect(await actions.bulkDeleteAction({ ids: [t.id] })).toMatchObject({ ok: false, error: { code: "UNAUTHENTICATED" } });
    expect((await reload([t.id]))[0]).toEqual(t);
  });
});

describe("the database fails in the middle of a bulk action (SECURITY 10)", () => {
  for (const [name, op] of Object.entries(OPS) as [Op, (typeof OPS)[Op]][]) {
    it(`${name}: the failed row says INTERNAL and is unchanged; the others are done and audited`, async () => {
      const targets: UserRow[] = [];
      for (let i = 0; i < 5; i++) targets.push(await fresh("manager"));
      const poisoned = targets[2]!; // chunks of 2: [0,1] [2,3] [4]
      const timing = name === "bulkDeleteAction" ? "before delete" : "before update";
      const ret = name === "bulkDeleteAction" ? "old" : "new";
      const before = Date.now();
      const quiet = vi.spyOn(console, "error").mockImplementation(() => {});
      as(w.u.admin);
      const result = await withTrigger(
        w,
        `door_fail_${name.toLowerCase()}`,
        "users",
        timing,
        `begin if old.id = '${poisoned.id}' then raise exception 'disk on fire'; end if; return ${ret}; end`,
        () => op.call({ ids: targets.map((t) => t.id) }),
      );
      quiet.mockRestore();
      expect(result.ok).toBe(true);
      const out = result.ok ? result.data : [];
      expect(brief(out)).toEqual(targets.map((t) => [t.id, t === poisoned ? "failed" : op.done, t === poisoned ? "INTERNAL" : null]));
      expect(out[2]!.message).toMatch(/not changed/);
      // True to the database:
      const after = await reload(targets.map((t) => t.id));
      after.forEach((row, i) => {
        if (targets[i] === poisoned) expect(row).toEqual(poisoned);
        else expect(op.check(row)).toBe(true);
      });
      const events = await w.database.db
        .select()
        .from(auditEvents)
        .where(inArray(auditEvents.targetId, targets.map((t) => t.id)));
      const recent = events.filter((e) => e.createdAt.getTime() >= before - 1000 && e.outcome === "success");
      expect(recent.map((e) => e.targetId).sort()).toEqual(targets.filter((t) => t !== poisoned).map((t) => t.id).sort());

      // Retrying the failed row alone (what "Retry failed" sends) now succeeds.
      const retry = await op.call({ ids: [poisoned.id] });
      expect(retry).toMatchObject({ ok: true, data: [{ input: poisoned.id, outcome: op.done }] });
    });
  }
});
