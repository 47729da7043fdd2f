// The audit log: one event per affected user per successful mutation, with the action and the
// changes as { field: { old, new } }; one 'refused' event per refusal; append-only; outlives
// the users it names.
import { afterAll, assert, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { auditEvents, type AuditEventRow } from "../db/schema";
import { TEST_PASSWORD, createWorld, type World } from "../testing/fixtures";
import { allAudit, auditMark, exec, expectCode, uniqueEmail } from "../testing/helpers";
import type { Role, Status } from "../validation/enums";
import type { Principal } from "./index";

let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(() => w?.close());

const strong = "a strong new passphrase";
const pw = { password: strong, passwordConfirmation: strong };
const fresh = (role: Role = "member", status: Status = "active") => w.addUser(w.orgA, uniqueEmail(role), role, status);
const tokenOf = (link: string | undefined) => link!.split("/").pop()!;

/** Runs `call` and returns the one event it must have written. */
async function oneEvent(call: () => Promise<unknown>): Promise<AuditEventRow> {
  const mark = await auditMark(w);
  await call();
  const events = await mark.since();
  expect(events).toHaveLength(1);
  return events[0]!;
}

const admin = () => w.as(w.u.admin, { ip: "203.0.113.7", userAgent: "test-agent/1.0" });

function isAdminEvent(e: AuditEventRow, action: string, target: { id: string; email: string }) {
  expect(e).toMatchObject({
    orgId: w.orgA,
    actorId: w.u.admin.id,
    actorEmail: "admin@a.test",
    action,
    targetId: target.id,
    targetEmail: target.email,
    outcome: "success",
    ip: "203.0.113.7",
    userAgent: "test-agent/1.0",
  });
  expect(e.createdAt).toBeInstanceOf(Date);
}

describe("every successful mutation writes one event with its changes", () => {
  it("create (password, temporary password, invitation)", async () => {
    const email = uniqueEmail("created");
    let e = await oneEvent(() => w.core.create(admin(), { email, role: "manager", ...pw }));
    const row = (await w.database.db.select().from(auditEvents).where(eq(auditEvents.id, e.id)))[0]!;
    expect(row.targetEmail).toBe(email);
    isAdminEvent(e, "user.created", { id: row.targetId!, email });
    expect(e.changes).toEqual({ role: { old: null, new: "manager" }, status: { old: null, new: "active" }, mode: "password" });

    e = await oneEvent(() => w.core.create(admin(), { email: uniqueEmail("temp"), inviteMode: "temporary_password" }));
    expect(e).toMatchObject({ action: "user.created", changes: { status: { old: null, new: "active" }, mode: "temporary_password" } });

    e = await oneEvent(() => w.core.create(admin(), { email: uniqueEmail("inv"), role: "auditor" }));
    expect(e).toMatchObject({ action: "user.invited", changes: { role: { old: null, new: "auditor" }, status: { old: null, new: "invited" }, mode: "email_link" } });
    expect(JSON.stringify(e.changes)).not.toContain("/invite/");
  });

  it("invite many: one event per invited user", async () => {
    const emails = [uniqueEmail("i"), uniqueEmail("i"), uniqueEmail("i")];
    const mark = await auditMark(w);
    const out = await w.core.invite(admin(), { emails });
    const events = await mark.since();
    expect(events.map((e) => e.targetId).sort()).toEqual(out.map((r) => r.userId).sort());
    expect(events.every((e) => e.action === "user.invited" && e.outcome === "success")).toBe(true);
  });

  it("update: each changed field, old and new (unchanged fields left out)", async () => {
    const t = await fresh("member");
    const e = await oneEvent(() => w.core.update(admin(), t.id, { name: t.name, city: "Tromsø", isDeveloper: true }));
    isAdminEvent(e, "user.updated", t);
    expect(e.changes).toEqual({ city: { old: null, new: "Tromsø" }, isDeveloper: { old: false, new: true } });
  });

  it("role change, deactivation, reactivation, deletion", async () => {
    const t = await fresh("member");
    let e = await oneEvent(() => w.core.changeRole(admin(), t.id, { role: "manager" }));
    isAdminEvent(e, "user.role_changed", t);
    expect(e.changes).toEqual({ role: { old: "member", new: "manager" } });

    e = await oneEvent(() => w.core.deactivate(admin(), t.id));
    isAdminEvent(e, "user.deactivated", t);
    expect(e.changes).toEqual({ status: { old: "active", new: "deactivated" } });

    e = await oneEvent(() => w.core.reactivate(admin(), t.id));
    isAdminEvent(e, "user.reactivated", t);
    expect(e.changes).toEqual({ status: { old: "deactivated", new: "active" } });

    e = await oneEvent(() => w.core.delete(admin(), t.id));
    isAdminEvent(e, "user.deleted", t);
    expect(e.changes).toEqual({ role: { old: "manager", new: null }, status: { old: "active", new: null } });
  });

  it("passwords and sessions (never the password itself)", async () => {
    const t = await fresh("member");
    let e = await oneEvent(() => w.core.setPassword(admin(), t.id, { ...pw, temporary: true }));
    isAdminEvent(e, "user.password_set", t);
    expect(e.changes).toEqual({ mustChangePassword: { old: false, new: true } });

    e = await oneEvent(() => w.core.resetPassword(admin(), t.id, { mode: "temporary_password" }));
    isAdminEvent(e, "user.password_reset", t);
    expect(e.changes).toEqual({ mode: "temporary_password" });

    e = await oneEvent(() => w.core.endSessions(admin(), t.id));
    isAdminEvent(e, "user.sessions_revoked", t);

    const me = await fresh("auditor");
    e = await oneEvent(() => w.core.changeOwnPassword(w.as(me), { currentPassword: TEST_PASSWORD, ...pw }));
    expect(e).toMatchObject({ action: "user.password_changed", actorId: me.id, targetId: me.id, outcome: "success" });

    const { link } = await w.core.resetPassword(admin(), me.id, {});
    e = await oneEvent(() => w.core.completePasswordReset({ token: tokenOf(link), ...pw }, { ip: "198.51.100.1", userAgent: "browser" }));
    expect(e).toMatchObject({ action: "user.password_reset_completed", actorId: me.id, targetId: me.id, ip: "198.51.100.1", userAgent: "browser" });

    const all = JSON.stringify(await allAudit(w));
    expect(all).not.toContain(strong);
    expect(all).not.toContain(TEST_PASSWORD);
    expect(all).not.toMatch(/\$argon2/);
  });

  it("invitations: resend, copy link, revoke, accept", async () => {
    const { user, invitationLink } = await w.core.create(admin(), { email: uniqueEmail("life"), inviteMode: "none" });
    isAdminEvent(await oneEvent(() => w.core.resendInvitation(admin(), user.id)), "invitation.resent", user);
    let link = "";
    isAdminEvent(
      await oneEvent(async () => {
        link = (await w.core.copyInvitationLink(admin(), user.id)).invitationLink!;
      }),
      "invitation.link_copied",
      user,
    );
    expect(link).not.toBe(invitationLink);
    const e = await oneEvent(() => w.core.acceptInvitation({ token: tokenOf(link), ...pw }));
    expect(e).toMatchObject({ action: "invitation.accepted", actorId: user.id, actorEmail: user.email, targetId: user.id, changes: { status: { old: "invited", new: "active" } } });

    const other = await w.core.create(admin(), { email: uniqueEmail("rev"), inviteMode: "none" });
    isAdminEvent(await oneEvent(() => w.core.revokeInvitation(admin(), other.user.id)), "invitation.revoked", other.user);
  });

  it("bulk operations: one event per affected user, none for skipped rows", async () => {
    const [a, b, c] = [await fresh("member"), await fresh("manager"), await fresh("member", "deactivated")];
    let mark = await auditMark(w);
    await w.core.bulkChangeRole(admin(), { ids: [a.id, b.id], role: "auditor" });
    let events = await mark.since();
    expect(events.map((e) => [e.targetId, e.action, e.changes])).toEqual(
      expect.arrayContaining([
        [a.id, "user.role_changed", { role: { old: "member", new: "auditor" } }],
        [b.id, "user.role_changed", { role: { old: "manager", new: "auditor" } }],
      ]),
    );
    expect(events).toHaveLength(2);

    mark = await auditMark(w);
    await w.core.bulkDeactivate(admin(), { ids: [a.id, c.id] }); // c is already deactivated: skipped
    events = await mark.since();
    expect(events.map((e) => [e.targetId, e.action, e.changes])).toEqual([[a.id, "user.deactivated", { status: { old: "active", new: "deactivated" } }]]);

    mark = await auditMark(w);
    await w.core.bulkDelete(admin(), { ids: [a.id, b.id, c.id] });
    events = await mark.since();
    expect(events.map((e) => e.targetId).sort()).toEqual([a.id, b.id, c.id].sort());
    expect(events.every((e) => e.action === "user.deleted" && e.actorId === w.u.admin.id && e.ip === "203.0.113.7")).toBe(true);
  });

  it("a no-op writes nothing", async () => {
    const t = await fresh("manager");
    const mark = await auditMark(w);
    await w.core.update(admin(), t.id, { name: t.name });
    await w.core.changeRole(admin(), t.id, { role: "manager" });
    await w.core.reactivate(admin(), t.id);
    await w.core.list(admin(), {});
    await w.core.get(admin(), t.id);
    expect(await mark.since()).toEqual([]);
  });
});

describe("refusals", () => {
  it("write exactly one 'refused' event with the code and message", async () => {
    const t = await fresh("member");
    const cases: [Principal, () => Promise<unknown>, string, string][] = [
      [w.as(w.u.auditor), () => w.core.delete(w.as(w.u.auditor), t.id), "user.deleted", "FORBIDDEN"],
      [w.as(w.u.manager), () => w.core.changeRole(w.as(w.u.manager), t.id, { role: "admin" }), "user.role_changed", "FORBIDDEN"],
      [w.as(w.u.admin), () => w.core.deactivate(w.as(w.u.admin), w.u.admin.id), "user.deactivated", "SELF_ACTION"],
      [w.as(w.u.bAdmin), () => w.core.delete(w.as(w.u.bAdmin), w.u.bAdmin.id), "user.deleted", "LAST_ADMIN"],
      [w.as(w.u.admin), () => w.core.update(w.as(w.u.admin), t.id, { name: "x", expectedVersion: 999 }), "user.updated", "CONFLICT"],
      [w.as(w.u.admin), () => w.core.create(w.as(w.u.admin), { email: "MEMBER@a.test" }), "user.created", "CONFLICT"],
      [w.as(w.u.admin), () => w.core.setPassword(w.as(w.u.admin), t.id, { password: "iloveyou", passwordConfirmation: "iloveyou" }), "user.password_set", "VALIDATION"],
    ];
    for (const [p, call, action, code] of cases) {
      const mark = await auditMark(w);
      const err = await expectCode(call(), code as never);
      const events = await mark.since();
      expect(events, `${action} ${code}`).toHaveLength(1);
      expect(events[0]).toMatchObject({ actorId: p.userId, orgId: p.orgId, action, outcome: "refused", changes: { code, message: err.message } });
    }
    expect(await w.reload(t.id)).toEqual(t);
  });

  it("name the target when it exists, and keep the raw input when it does not", async () => {
    const t = await fresh("member");
    let mark = await auditMark(w);
    await expectCode(w.core.delete(w.as(w.u.manager), t.id), "FORBIDDEN");
    expect((await mark.since())[0]).toMatchObject({ targetId: t.id, changes: { input: t.id } });

    mark = await auditMark(w);
    await expectCode(w.core.delete(w.as(w.u.admin), "member@b.test"), "NOT_FOUND");
    const [e] = await mark.since();
    expect(e).toMatchObject({ targetId: null, changes: { code: "NOT_FOUND", input: "member@b.test" } });
  });

  it("a refused read is audited too; an unauthenticated call is not", async () => {
    let mark = await auditMark(w);
    await expectCode(w.core.list(w.as(w.u.member), {}), "FORBIDDEN");
    expect(await mark.since()).toHaveLength(1);
    mark = await auditMark(w);
    await expectCode(w.core.delete(w.as(w.u.deactivated, { role: "admin" }), w.u.member.id), "UNAUTHENTICATED");
    expect(await mark.since()).toEqual([]);
  });
});

describe("the log itself", () => {
  it("outlives the users it names, as actor and as target", async () => {
    const actor = await fresh("admin");
    const target = await fresh("member");
    await w.core.update(w.as(actor), target.id, { name: "Touched" });
    await w.core.delete(w.as(w.u.admin), target.id);
    await w.core.delete(w.as(w.u.admin), actor.id);
    expect(await w.reload(actor.id)).toBeUndefined();
    const events = await allAudit(w);
    const byActor = events.filter((e) => e.actorId === actor.id);
    expect(byActor).toHaveLength(1);
    expect(byActor[0]).toMatchObject({ actorEmail: actor.email, targetId: target.id, targetEmail: target.email, action: "user.updated" });
    const aboutTarget = events.filter((e) => e.targetId === target.id).map((e) => e.action);
    expect(aboutTarget).toEqual(["user.updated", "user.deleted"]);
    expect(events.find((e) => e.targetId === actor.id && e.action === "user.deleted")).toMatchObject({ targetEmail: actor.email });
  });

  /** The statement must fail with the trigger's message (drizzle wraps it as the cause). */
  async function refusedByTrigger(text: string) {
    const err = await exec(w, text).then(
      () => assert.fail(`${text} was allowed`),
      (e: unknown) => e as Error & { cause?: Error },
    );
    expect(err.cause?.message ?? err.message).toMatch(/audit_events is append-only/);
  }

  it("is append-only: UPDATE, DELETE and TRUNCATE are refused by the database", async () => {
    const before = await allAudit(w);
    expect(before.length).toBeGreaterThan(0);
    const id = before[0]!.id;
    await refusedByTrigger(`update audit_events set action = 'forged' where id = '${id}'`);
    await refusedByTrigger(`update audit_events set outcome = 'success'`);
    await refusedByTrigger(`delete from audit_events where id = '${id}'`);
    await refusedByTrigger(`delete from audit_events`);
    await refusedByTrigger(`truncate audit_events`);
    expect(await allAudit(w)).toEqual(before);
  });

  it("caps a long user agent", async () => {
    const t = await fresh("member");
    const e = await oneEvent(() => w.core.update(w.as(w.u.admin, { userAgent: "x".repeat(5000) }), t.id, { name: "UA" }));
    expect(e.userAgent).toHaveLength(500);
  });
});

// Every mutation of the core, table-driven: a success writes exactly one event per affected
// user with the action and the changes (old → new), a refusal exactly one 'refused' event, and
// the refused call changes nothing. A core function that is neither a listed read nor in this
// table fails the first test, so a new mutation cannot ship without its audit proof.
describe("every mutation of the core, table-driven", () => {
  // Not operations: the core's dependencies and its background index maintenance.
  const READS = new Set([
    "deps", "searchIndex", "list", "get", "stats", "overview", "timeline", "auditEvents", "authenticate", "authenticateExternal",
    "sessionUser", "previewInvitation", "previewPasswordReset", "listApiKeys", "authenticateApiKey",
  ]);
  type Expected = { action: string; targetId?: string | null; changes?: Record<string, unknown> };
  interface Case {
    /** Runs the mutation successfully; answers the events it must have written. */
    success: () => Promise<{ call: () => Promise<unknown>; expect: Expected[] }>;
    /**
     * A refused call of the same mutation: who calls, what, and the code. Absent for token
     * redemption: a dead link has no signed-in caller, and gets one generic refusal
     * (invitations.int.test.ts).
     */
    refusal?: () => Promise<{ call: () => Promise<unknown>; action: string; code: string; actorId: string }>;
  }
  const forbiddenFor = (action: string, call: (p: Principal) => Promise<unknown>) => async () => ({
    call: () => call(w.as(w.u.auditor)),
    action,
    code: "FORBIDDEN",
    actorId: w.u.auditor.id,
  });
  const invitedUser = async () => (await w.core.create(admin(), { email: uniqueEmail("tbl-inv"), inviteMode: "none" })).user;
  const CASES: Record<string, Case> = {
    create: {
      success: async () => ({
        call: () => w.core.create(admin(), { email: uniqueEmail("tbl-c"), role: "auditor", ...pw }),
        expect: [{ action: "user.created", changes: { role: { old: null, new: "auditor" }, status: { old: null, new: "active" }, mode: "password" } }],
      }),
      refusal: forbiddenFor("user.created", (p) => w.core.create(p, { email: uniqueEmail("tbl-c"), ...pw })),
    },
    invite: {
      success: async () => ({
        call: () => w.core.invite(admin(), { emails: [uniqueEmail("tbl-i")], role: "manager" }),
        expect: [{ action: "user.invited", changes: { role: { old: null, new: "manager" }, status: { old: null, new: "invited" }, mode: "email_link" } }],
      }),
      refusal: async () => ({
        call: () => w.core.invite(w.as(w.u.manager), { emails: [uniqueEmail("tbl-i")], role: "admin" }),
        action: "user.invited", code: "FORBIDDEN", actorId: w.u.manager.id,
      }),
    },
    update: {
      success: async () => {
        const t = await fresh();
        return { call: () => w.core.update(admin(), t.id, { company: "Acme" }), expect: [{ action: "user.updated", targetId: t.id, changes: { company: { old: null, new: "Acme" } } }] };
      },
      refusal: async () => {
        const t = await fresh();
        return { call: () => w.core.update(admin(), t.id, { company: "X", expectedVersion: t.version + 5 }), action: "user.updated", code: "CONFLICT", actorId: w.u.admin.id };
      },
    },
    changeRole: {
      success: async () => {
        const t = await fresh("auditor");
        return { call: () => w.core.changeRole(admin(), t.id, { role: "member" }), expect: [{ action: "user.role_changed", targetId: t.id, changes: { role: { old: "auditor", new: "member" } } }] };
      },
      refusal: async () => ({ call: () => w.core.changeRole(admin(), w.u.admin.id, { role: "member" }), action: "user.role_changed", code: "SELF_ACTION", actorId: w.u.admin.id }),
    },
    patch: {
      success: async () => {
        const t = await fresh();
        return {
          call: () => w.core.patch(admin(), t.id, { company: "Patched", role: "manager" }),
          expect: [
            { action: "user.updated", targetId: t.id, changes: { company: { old: null, new: "Patched" } } },
            { action: "user.role_changed", targetId: t.id, changes: { role: { old: "member", new: "manager" } } },
          ],
        };
      },
      refusal: async () => ({ call: () => w.core.patch(w.as(w.u.manager), w.u.member.id, { role: "admin" }), action: "user.role_changed", code: "FORBIDDEN", actorId: w.u.manager.id }),
    },
    createApiKey: {
      success: async () => ({
        call: () => w.core.createApiKey(admin(), { name: "table key", scopes: ["audit:read"] }),
        expect: [{ action: "api_key.created", targetId: w.u.admin.id }],
      }),
      refusal: async () => ({
        call: () => w.core.createApiKey(w.as(w.u.manager), { name: "too strong", scopes: ["users:delete"] }),
        action: "api_key.created", code: "FORBIDDEN", actorId: w.u.manager.id,
      }),
    },
    revokeApiKey: {
      success: async () => {
        const { key } = await w.core.createApiKey(admin(), { name: "to revoke", scopes: ["users:read"] });
        return { call: () => w.core.revokeApiKey(admin(), key.id), expect: [{ action: "api_key.revoked", targetId: w.u.admin.id }] };
      },
      refusal: async () => ({
        call: () => w.core.revokeApiKey(admin(), "00000000-0000-4000-8000-000000000000"),
        action: "api_key.revoked", code: "NOT_FOUND", actorId: w.u.admin.id,
      }),
    },
    deactivate: {
      success: async () => {
        const t = await fresh();
        return { call: () => w.core.deactivate(admin(), t.id), expect: [{ action: "user.deactivated", targetId: t.id, changes: { status: { old: "active", new: "deactivated" } } }] };
      },
      refusal: forbiddenFor("user.deactivated", (p) => w.core.deactivate(p, w.u.member.id)),
    },
    reactivate: {
      success: async () => {
        const t = await fresh("member", "deactivated");
        return { call: () => w.core.reactivate(admin(), t.id), expect: [{ action: "user.reactivated", targetId: t.id, changes: { status: { old: "deactivated", new: "active" } } }] };
      },
      refusal: forbiddenFor("user.reactivated", (p) => w.core.reactivate(p, w.u.deactivated.id)),
    },
    delete: {
      success: async () => {
        const t = await fresh("manager");
        return { call: () => w.core.delete(admin(), t.id), expect: [{ action: "user.deleted", targetId: t.id, changes: { role: { old: "manager", new: null }, status: { old: "active", new: null } } }] };
      },
      refusal: async () => ({ call: () => w.core.delete(admin(), "nobody-here@a.test"), action: "user.deleted", code: "NOT_FOUND", actorId: w.u.admin.id }),
    },
    bulkDelete: {
      success: async () => {
        const [a, b] = [await fresh(), await fresh()];
        return {
          call: () => w.core.bulkDelete(admin(), { ids: [a.id, b.id] }),
          expect: [a, b].map((t) => ({ action: "user.deleted", targetId: t.id, changes: { role: { old: "member", new: null }, status: { old: "active", new: null } } })),
        };
      },
      refusal: forbiddenFor("user.deleted", (p) => w.core.bulkDelete(p, { ids: [w.u.member.id] })),
    },
    bulkDeactivate: {
      success: async () => {
        const [a, b] = [await fresh(), await fresh()];
        return {
          call: () => w.core.bulkDeactivate(admin(), { ids: [a.id, b.id] }),
          expect: [a, b].map((t) => ({ action: "user.deactivated", targetId: t.id, changes: { status: { old: "active", new: "deactivated" } } })),
        };
      },
      refusal: forbiddenFor("user.deactivated", (p) => w.core.bulkDeactivate(p, { ids: [w.u.member.id] })),
    },
    bulkChangeRole: {
      success: async () => {
        const [a, b] = [await fresh(), await fresh()];
        return {
          call: () => w.core.bulkChangeRole(admin(), { ids: [a.id, b.id], role: "auditor" }),
          expect: [a, b].map((t) => ({ action: "user.role_changed", targetId: t.id, changes: { role: { old: "member", new: "auditor" } } })),
        };
      },
      refusal: forbiddenFor("user.role_changed", (p) => w.core.bulkChangeRole(p, { ids: [w.u.member.id], role: "manager" })),
    },
    setPassword: {
      success: async () => {
        const t = await fresh();
        return { call: () => w.core.setPassword(admin(), t.id, { ...pw, temporary: true }), expect: [{ action: "user.password_set", targetId: t.id, changes: { mustChangePassword: { old: false, new: true } } }] };
      },
      refusal: forbiddenFor("user.password_set", (p) => w.core.setPassword(p, w.u.member.id, pw)),
    },
    resetPassword: {
      success: async () => {
        const t = await fresh();
        return { call: () => w.core.resetPassword(admin(), t.id, { mode: "email_link" }), expect: [{ action: "user.password_reset", targetId: t.id, changes: { mode: "email_link" } }] };
      },
      refusal: forbiddenFor("user.password_reset", (p) => w.core.resetPassword(p, w.u.member.id, {})),
    },
    changeOwnPassword: {
      success: async () => {
        const me = await fresh("manager");
        return { call: () => w.core.changeOwnPassword(w.as(me), { currentPassword: TEST_PASSWORD, ...pw }), expect: [{ action: "user.password_changed", targetId: me.id }] };
      },
      refusal: async () => {
        const me = await fresh("manager");
        return { call: () => w.core.changeOwnPassword(w.as(me), { currentPassword: "not my password", ...pw }), action: "user.password_changed", code: "VALIDATION", actorId: me.id };
      },
    },
    endSessions: {
      success: async () => {
        const t = await fresh();
        return { call: () => w.core.endSessions(admin(), t.id), expect: [{ action: "user.sessions_revoked", targetId: t.id }] };
      },
      refusal: forbiddenFor("user.sessions_revoked", (p) => w.core.endSessions(p, w.u.member.id)),
    },
    resendInvitation: {
      success: async () => {
        const t = await invitedUser();
        return { call: () => w.core.resendInvitation(admin(), t.id), expect: [{ action: "invitation.resent", targetId: t.id }] };
      },
      refusal: forbiddenFor("invitation.resent", (p) => w.core.resendInvitation(p, w.u.invited.id)),
    },
    revokeInvitation: {
      success: async () => {
        const t = await invitedUser();
        return { call: () => w.core.revokeInvitation(admin(), t.id), expect: [{ action: "invitation.revoked", targetId: t.id }] };
      },
      refusal: forbiddenFor("invitation.revoked", (p) => w.core.revokeInvitation(p, w.u.invited.id)),
    },
    copyInvitationLink: {
      success: async () => {
        const t = await invitedUser();
        return { call: () => w.core.copyInvitationLink(admin(), t.id), expect: [{ action: "invitation.link_copied", targetId: t.id }] };
      },
      refusal: forbiddenFor("invitation.link_copied", (p) => w.core.copyInvitationLink(p, w.u.invited.id)),
    },
    acceptInvitation: {
      success: async () => {
        const { user, invitationLink } = await w.core.create(admin(), { email: uniqueEmail("tbl-acc"), inviteMode: "none" });
        return {
          call: () => w.core.acceptInvitation({ token: tokenOf(invitationLink!), ...pw }),
          expect: [{ action: "invitation.accepted", targetId: user.id, changes: { status: { old: "invited", new: "active" } } }],
        };
      },
    },
    completePasswordReset: {
      success: async () => {
        const t = await fresh();
        const { link } = await w.core.resetPassword(admin(), t.id, {});
        return { call: () => w.core.completePasswordReset({ token: tokenOf(link), ...pw }), expect: [{ action: "user.password_reset_completed", targetId: t.id }] };
      },
    },
    export: {
      success: async () => ({
        call: async () => new Response((await w.core.export(w.as(w.u.auditor), { status: "deactivated" }, "json")).body).text(),
        expect: [{ action: "users.exported", targetId: null, changes: { format: "json", filter: { status: ["deactivated"], sort: "name" } } }],
      }),
      refusal: async () => ({ call: () => w.core.export(w.as(w.u.member), {}, "csv"), action: "users.exported", code: "FORBIDDEN", actorId: w.u.member.id }),
    },
    exportAuditEvents: {
      success: async () => ({
        call: async () => new Response((await w.core.exportAuditEvents(w.as(w.u.auditor), { outcome: "refused" }, "csv")).body).text(),
        expect: [{ action: "audit.exported", targetId: null, changes: { format: "csv", filter: { outcome: "refused" } } }],
      }),
      refusal: async () => ({ call: () => w.core.exportAuditEvents(w.as(w.u.manager), {}, "csv"), action: "audit.exported", code: "FORBIDDEN", actorId: w.u.manager.id }),
    },
  };

  it("covers every function of the core that is not a read", () => {
    const mutations = Object.keys(w.core).filter((k) => !READS.has(k)).sort();
    expect(mutations).toEqual(Object.keys(CASES).sort());
  });

  for (const [name, c] of Object.entries(CASES)) {
    it(`${name}: one event per affected user on success, one 'refused' event on refusal`, async () => {
      const { call, expect: expected } = await c.success();
      let mark = await auditMark(w);
      await call();
      const events = await mark.since();
      expect(events, name).toHaveLength(expected.length);
      for (const x of expected) {
        const e = events.find((ev) => ev.action === x.action && (x.targetId === undefined || ev.targetId === x.targetId));
        expect(e, `${name}: ${JSON.stringify(x)}`).toBeDefined();
        expect(e!.outcome).toBe("success");
        if (x.changes) expect(e!.changes).toEqual(x.changes);
      }

      if (!c.refusal) return;
      const r = await c.refusal();
      mark = await auditMark(w);
      const before = await exec(w, "select count(*)::int as n from users");
      await expectCode(r.call(), r.code as never);
      const refused = await mark.since();
      expect(refused, `${name} refusal`).toHaveLength(1);
      expect(refused[0]).toMatchObject({ action: r.action, outcome: "refused", actorId: r.actorId, changes: { code: r.code } });
      expect(await exec(w, "select count(*)::int as n from users")).toEqual(before);
    });
  }
});
