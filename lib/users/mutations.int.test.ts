// Single-user mutations: who may do each, the invariants (last admin, self, other orgs), session
// ends, what deactivation and deletion take away, stale writes, and each operation's effect.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { emailOutbox, invitations, type UserRow } from "../db/schema";
import { TEST_PASSWORD, createWorld, type World } from "../testing/fixtures";
import { apiKeyPrincipal, apiKeysOf, auditMark, expectCode, uniqueEmail } from "../testing/helpers";
import { verifyPassword } from "../security/passwords";
import type { ErrorCode, Role, Status } from "../validation/enums";
import { createUsersCore, type Principal } from "./index";

let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(() => w?.close());

const fresh = (role: Role = "member", status: Status = "active", org?: string) =>
  w.addUser(org ?? w.orgA, uniqueEmail(`${role}-${status}`), role, status);

/** A call that must be refused with `code`, change none of `rows`, and audit one refusal. */
async function refused(
  call: () => Promise<unknown>,
  code: ErrorCode,
  rows: UserRow[],
  audit: { actor: UserRow; action: string } | "none" | "unchecked",
) {
  const before = await Promise.all(rows.map((r) => w.reload(r.id)));
  const mark = await auditMark(w);
  const err = await expectCode(call(), code);
  const after = await Promise.all(rows.map((r) => w.reload(r.id)));
  expect(after).toEqual(before);
  const events = await mark.since();
  if (audit === "none") {
    // An unverified caller (UNAUTHENTICATED) is nobody to write into the audit log.
    expect(events).toEqual([]);
  } else if (audit !== "unchecked") {
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: audit.actor.id, action: audit.action, outcome: "refused" });
    expect(events[0]!.changes).toMatchObject({ code });
  }
  return err;
}

const strong = "a strong new passphrase";

interface Op {
  name: string;
  action: string;
  targetStatus?: Status;
  run: (p: Principal, target: UserRow) => Promise<unknown>;
  /** Asserts the effect on the target after an allowed call. */
  effect: (before: UserRow, after: UserRow | undefined, result: unknown) => Promise<void> | void;
}

const OPS: Op[] = [
  {
    name: "update",
    action: "user.updated",
    run: (p, t) => w.core.update(p, t.id, { name: "Renamed Person", city: "Bergen" }),
    effect: (b, a) => {
      expect(a).toMatchObject({ name: "Renamed Person", city: "Bergen", version: b.version + 1 });
      expect(a!.sessionVersion).toBe(b.sessionVersion); // editing a profile ends no session
    },
  },
  {
    name: "changeRole",
    action: "user.role_changed",
    run: (p, t) => w.core.changeRole(p, t.id, { role: "auditor" }),
    effect: (b, a) => expect(a).toMatchObject({ role: "auditor", sessionVersion: b.sessionVersion + 1 }),
  },
  {
    name: "deactivate",
    action: "user.deactivated",
    run: (p, t) => w.core.deactivate(p, t.id),
    effect: (b, a) => {
      expect(a).toMatchObject({ status: "deactivated", sessionVersion: b.sessionVersion + 1 });
      expect(a!.deactivatedAt).toBeInstanceOf(Date);
    },
  },
  {
    name: "reactivate",
    action: "user.reactivated",
    targetStatus: "deactivated",
    run: (p, t) => w.core.reactivate(p, t.id),
    effect: (_b, a) => expect(a).toMatchObject({ status: "active", deactivatedAt: null }),
  },
  {
    name: "delete",
    action: "user.deleted",
    run: (p, t) => w.core.delete(p, t.id),
    effect: (b, a, result) => {
      expect(a).toBeUndefined();
      expect(result).toEqual({ id: b.id, email: b.email, deleted: true });
    },
  },
  {
    name: "setPassword",
    action: "user.password_set",
    run: (p, t) => w.core.setPassword(p, t.id, { password: strong, passwordConfirmation: strong }),
    effect: async (b, a) => {
      expect(await verifyPassword(a!.passwordHash!, strong)).toBe(true);
      expect(a!.sessionVersion).toBe(b.sessionVersion + 1);
    },
  },
  {
    name: "resetPassword",
    action: "user.password_reset",
    run: (p, t) => w.core.resetPassword(p, t.id, { mode: "temporary_password" }),
    effect: async (b, a, result) => {
      const { temporaryPassword } = result as { temporaryPassword: string };
      expect(await verifyPassword(a!.passwordHash!, temporaryPassword)).toBe(true);
      expect(a).toMatchObject({ mustChangePassword: true, sessionVersion: b.sessionVersion + 1 });
    },
  },
  {
    name: "endSessions",
    action: "user.sessions_revoked",
    run: (p, t) => w.core.endSessions(p, t.id),
    effect: (b, a) => expect(a!.sessionVersion).toBe(b.sessionVersion + 1),
  },
];

// DESIGN.md: admins do all of these (to others); managers edit members only; auditors and
// members nothing.
const ALLOWED: Record<"admin" | "manager" | "auditor" | "member", string[]> = {
  admin: OPS.map((o) => o.name),
  manager: ["update"],
  auditor: [],
  member: [],
};

describe("permission table: each operation × each role, on a member of the same org", () => {
  for (const op of OPS) {
    for (const role of ["admin", "manager", "auditor", "member"] as const) {
      const allowed = ALLOWED[role].includes(op.name);
      it(`${op.name} by ${role}: ${allowed ? "allowed" : "FORBIDDEN, nothing changed"}`, async () => {
        const target = await fresh("member", op.targetStatus ?? "active");
        const actor = w.u[role];
        if (!allowed) {
          await refused(() => op.run(w.as(actor), target), "FORBIDDEN", [target], { actor, action: op.action });
          return;
        }
        const mark = await auditMark(w);
        const result = await op.run(w.as(actor), target);
        await op.effect(target, await w.reload(target.id), result);
        const events = await mark.since();
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({ action: op.action, outcome: "success", actorId: actor.id, targetId: target.id });
      });
    }
  }
});

describe("manager edits members only; admin edits anyone", () => {
  for (const targetRole of ["manager", "auditor", "admin"] as const) {
    it(`manager editing a ${targetRole}: FORBIDDEN`, async () => {
      const target = await fresh(targetRole);
      await refused(() => w.core.update(w.as(w.u.manager), target.id, { name: "X" }), "FORBIDDEN", [target], {
        actor: w.u.manager,
        action: "user.updated",
      });
    });
  }

  it("a manager cannot edit their own profile (they are not a member)", async () => {
    await refused(() => w.core.update(w.as(w.u.manager), w.u.manager.id, { name: "Me" }), "FORBIDDEN", [w.u.manager], {
      actor: w.u.manager,
      action: "user.updated",
    });
  });

  it("a manager edits invited and deactivated members too", async () => {
    for (const status of ["invited", "deactivated"] as const) {
      const t = await fresh("member", status);
      await w.core.update(w.as(w.u.manager), t.id, { company: "Acme" });
      expect((await w.reload(t.id))!.company).toBe("Acme");
    }
  });

  for (const targetRole of ["admin", "manager", "auditor", "member"] as const) {
    it(`admin edits a ${targetRole}, profile and developer flag`, async () => {
      const t = await fresh(targetRole);
      const dto = await w.core.update(w.as(w.u.admin), t.id, { name: "New Name", isDeveloper: true, phone: "+47 1234" });
      expect(dto).toMatchObject({ name: "New Name", isDeveloper: true, phone: "+47 1234", role: targetRole });
      expect(await w.reload(t.id)).toMatchObject({ name: "New Name", isDeveloper: true, phone: "+47 1234" });
    });
  }
});

describe("changeRole", () => {
  for (const [from, to] of [
    ["member", "admin"],
    ["member", "manager"],
    ["manager", "auditor"],
    ["auditor", "member"],
    ["admin", "member"],
  ] as const) {
    it(`admin changes ${from} → ${to}`, async () => {
      const t = await fresh(from);
      const dto = await w.core.changeRole(w.as(w.u.admin), t.id, { role: to });
      expect(dto.role).toBe(to);
      expect((await w.reload(t.id))!.role).toBe(to);
    });
  }

  it("the same role again changes nothing and ends no session", async () => {
    const t = await fresh("manager");
    const mark = await auditMark(w);
    await w.core.changeRole(w.as(w.u.admin), t.id, { role: "manager" });
    expect(await w.reload(t.id)).toEqual(t);
    expect(await mark.since()).toEqual([]);
  });

  it("refuses an unknown role or extra fields as VALIDATION, before anything runs", async () => {
    const t = await fresh("member");
    await refused(() => w.core.changeRole(w.as(w.u.admin), t.id, { role: "owner" }), "VALIDATION", [t], "unchecked");
    await refused(() => w.core.changeRole(w.as(w.u.admin), t.id, { role: "manager", orgId: w.orgB }), "VALIDATION", [t], "unchecked");
  });

  it("a role change revokes the target's API keys above the new role, and keeps the others", async () => {
    const t = await fresh("admin");
    const deleter = await apiKeyPrincipal(w, t, ["users:read", "users:delete"]);
    const auditKey = await apiKeyPrincipal(w, t, ["audit:read"]);
    const reader = await apiKeyPrincipal(w, t, ["users:read", "users:write"]);
    await w.core.changeRole(w.as(w.u.admin), t.id, { role: "manager" });
    const keys = new Map((await apiKeysOf(w, t.id)).map((k) => [k.id, k]));
    expect(keys.get(deleter.apiKeyId!)!.revokedAt).toBeInstanceOf(Date);
    expect(keys.get(auditKey.apiKeyId!)!.revokedAt).toBeInstanceOf(Date);
    expect(keys.get(reader.apiKeyId!)!.revokedAt).toBeNull();
    await expectCode(w.core.list(deleter, {}), "UNAUTHENTICATED");
    expect((await w.core.list(reader, {})).total).toBeGreaterThan(0);
  });
});

describe("invariants: self, last admin, other organizations", () => {
  it("nobody changes their own role, or deactivates, reactivates or deletes themselves (SELF_ACTION)", async () => {
    const me = w.u.admin; // admin2 is also an active admin, so this is not about the last admin
    const p = () => w.as(me);
    await refused(() => w.core.changeRole(p(), me.id, { role: "member" }), "SELF_ACTION", [me], { actor: me, action: "user.role_changed" });
    await refused(() => w.core.changeRole(p(), me.id, { role: "admin" }), "SELF_ACTION", [me], { actor: me, action: "user.role_changed" });
    await refused(() => w.core.deactivate(p(), me.id), "SELF_ACTION", [me], { actor: me, action: "user.deactivated" });
    await refused(() => w.core.reactivate(p(), me.id), "SELF_ACTION", [me], { actor: me, action: "user.reactivated" });
    await refused(() => w.core.delete(p(), "ADMIN@a.test"), "SELF_ACTION", [me], { actor: me, action: "user.deleted" });
  });

  it("the last active admin cannot be demoted, deactivated or deleted (LAST_ADMIN); inactive admins do not count", async () => {
    // Org B has one active admin; add an invited and a deactivated admin who must not count.
    const invitedAdmin = await fresh("admin", "invited", w.orgB);
    const formerAdmin = await fresh("admin", "deactivated", w.orgB);
    const me = w.u.bAdmin;
    for (const role of ["manager", "auditor", "member"] as const) {
      await refused(() => w.core.changeRole(w.as(me), me.id, { role }), "LAST_ADMIN", [me], { actor: me, action: "user.role_changed" });
    }
    await refused(() => w.core.deactivate(w.as(me), me.id), "LAST_ADMIN", [me], { actor: me, action: "user.deactivated" });
    await refused(() => w.core.delete(w.as(me), me.id), "LAST_ADMIN", [me], { actor: me, action: "user.deleted" });
    expect(await w.reload(me.id)).toMatchObject({ role: "admin", status: "active" });
    expect(await w.reload(invitedAdmin.id)).toBeDefined();
    expect(await w.reload(formerAdmin.id)).toBeDefined();
  });

  it("another org's id or email is NOT_FOUND for every operation, and that user is untouched", async () => {
    const admin = w.u.admin;
    const target = w.u.bMember;
    for (const ref of [target.id, target.email, target.email.toUpperCase()]) {
      const calls: [string, () => Promise<unknown>][] = [
        ["user.updated", () => w.core.update(w.as(admin), ref, { name: "pwned" })],
        ["user.role_changed", () => w.core.changeRole(w.as(admin), ref, { role: "admin" })],
        ["user.deactivated", () => w.core.deactivate(w.as(admin), ref)],
        ["user.reactivated", () => w.core.reactivate(w.as(admin), ref)],
        ["user.deleted", () => w.core.delete(w.as(admin), ref)],
        ["user.password_set", () => w.core.setPassword(w.as(admin), ref, { password: strong, passwordConfirmation: strong })],
        ["user.password_reset", () => w.core.resetPassword(w.as(admin), ref, {})],
        ["user.sessions_revoked", () => w.core.endSessions(w.as(admin), ref)],
      ];
      for (const [action, call] of calls) {
        const err = await refused(call, "NOT_FOUND", [target, w.u.bAdmin], { actor: admin, action });
        expect(err.message).toBe("No such user in your organization");
      }
    }
  });

  it("a missing or garbage reference is NOT_FOUND with the same message", async () => {
    for (const ref of ["00000000-0000-4000-8000-000000000000", "nobody@a.test", "not even an email"]) {
      const err = await expectCode(w.core.delete(w.as(w.u.admin), ref), "NOT_FOUND");
      expect(err.message).toBe("No such user in your organization");
    }
  });
});

describe("sessions end when the role, status or password changes", () => {
  const cases: [string, (target: UserRow) => Promise<unknown>][] = [
    ["role change", (t) => w.core.changeRole(w.as(w.u.admin), t.id, { role: "manager" })],
    ["deactivation", (t) => w.core.deactivate(w.as(w.u.admin), t.id)],
    ["password set", (t) => w.core.setPassword(w.as(w.u.admin), t.id, { password: strong, passwordConfirmation: strong })],
    ["password reset (link)", (t) => w.core.resetPassword(w.as(w.u.admin), t.id, { mode: "email_link" })],
    ["password reset (temporary)", (t) => w.core.resetPassword(w.as(w.u.admin), t.id, { mode: "temporary_password" })],
    ["end sessions", (t) => w.core.endSessions(w.as(w.u.admin), t.id)],
  ];
  for (const [label, act] of cases) {
    it(`${label}: the old session is UNAUTHENTICATED at once`, async () => {
      const t = await fresh("auditor");
      const oldSession = w.as(t);
      expect((await w.core.list(oldSession, {})).total).toBeGreaterThan(0);
      await act(t);
      const after = await w.reload(t.id);
      expect(after!.sessionVersion).toBeGreaterThan(t.sessionVersion);
      await expectCode(w.core.list(oldSession, {}), "UNAUTHENTICATED");
      await expectCode(w.core.get(oldSession, w.u.member.id), "UNAUTHENTICATED");
      await expectCode(w.core.changeOwnPassword(oldSession, { currentPassword: TEST_PASSWORD, password: strong, passwordConfirmation: strong }), "UNAUTHENTICATED");
    });
  }

  it("a profile edit ends no session", async () => {
    const t = await fresh("auditor");
    await w.core.update(w.as(w.u.admin), t.id, { name: "Still Signed In" });
    expect((await w.core.list(w.as(t), {})).total).toBeGreaterThan(0);
  });

  it("a demoted admin's next call runs with the new role, whatever the principal claims", async () => {
    const t = await fresh("admin");
    const key = await apiKeyPrincipal(w, t, ["users:read", "users:write"]);
    const oldSession = w.as(t);
    await w.core.changeRole(w.as(w.u.admin), t.id, { role: "manager" });
    await expectCode(w.core.list(oldSession, {}), "UNAUTHENTICATED");

    // A new session whose cached role claim still says admin.
    const claimsAdmin: Principal = { ...w.as((await w.reload(t.id))!), role: "admin" };
    const victim = await fresh("member");
    const managerTarget = await fresh("manager");
    await refused(() => w.core.delete(claimsAdmin, victim.id), "FORBIDDEN", [victim], { actor: t, action: "user.deleted" });
    await refused(() => w.core.changeRole(claimsAdmin, victim.id, { role: "admin" }), "FORBIDDEN", [victim], { actor: t, action: "user.role_changed" });
    await refused(() => w.core.update(claimsAdmin, managerTarget.id, { name: "x" }), "FORBIDDEN", [managerTarget], { actor: t, action: "user.updated" });
    // ...and what a manager may do still works.
    await w.core.update(claimsAdmin, victim.id, { name: "Edited By Manager" });
    expect((await w.reload(victim.id))!.name).toBe("Edited By Manager");

    // The surviving API key (scopes within manager) also acts as a manager.
    expect(key.role).toBe("admin");
    await refused(() => w.core.deactivate(key, victim.id), "FORBIDDEN", [victim], { actor: t, action: "user.deactivated" });
  });

  it("a promoted member's next call runs with the new role", async () => {
    const t = await fresh("member");
    await expectCode(w.core.list(w.as(t), {}), "FORBIDDEN");
    await w.core.changeRole(w.as(w.u.admin), t.id, { role: "auditor" });
    const p: Principal = { ...w.as((await w.reload(t.id))!), role: "member" };
    expect((await w.core.list(p, {})).total).toBeGreaterThan(0);
  });
});

describe("deactivation and deletion take access away", () => {
  it("deactivation revokes API keys and pending invitations; the user stays listed", async () => {
    const t = await fresh("manager");
    const key = await apiKeyPrincipal(w, t, ["users:read"]);
    const [inv] = await w.core.invite(w.as(w.u.admin), { emails: uniqueEmail("pending"), inviteMode: "none" });
    const invitee = (await w.reload(inv!.userId!))!;
    const token = inv!.invitationLink!.split("/").pop()!;
    expect(await w.core.previewInvitation(token)).toMatchObject({ email: invitee.email });

    await w.core.deactivate(w.as(w.u.admin), t.id);
    await w.core.deactivate(w.as(w.u.admin), invitee.id);

    expect((await apiKeysOf(w, t.id)).every((k) => k.revokedAt instanceof Date)).toBe(true);
    await expectCode(w.core.list(key, {}), "UNAUTHENTICATED");
    const invs = await w.database.db.select().from(invitations).where(eq(invitations.userId, invitee.id));
    expect(invs.length).toBeGreaterThan(0);
    expect(invs.every((i) => i.revokedAt instanceof Date)).toBe(true);
    await expectCode(w.core.previewInvitation(token), "NOT_FOUND");
    expect((await w.core.get(w.as(w.u.admin), t.id)).status).toBe("deactivated");
  });

  it("deletion removes the row, its keys and its invitations; the key stops working", async () => {
    const t = await fresh("auditor");
    const key = await apiKeyPrincipal(w, t, ["users:read"]);
    const session = w.as(t);
    await w.core.delete(w.as(w.u.admin), t.id);
    expect(await w.reload(t.id)).toBeUndefined();
    expect(await apiKeysOf(w, t.id)).toEqual([]);
    await expectCode(w.core.list(key, {}), "UNAUTHENTICATED");
    await expectCode(w.core.list(session, {}), "UNAUTHENTICATED");
    await expectCode(w.core.get(w.as(w.u.admin), t.id), "NOT_FOUND");
  });

  it("deactivating an admin is allowed while another active admin remains", async () => {
    const t = await fresh("admin");
    await w.core.deactivate(w.as(w.u.admin), t.id);
    expect((await w.reload(t.id))!.status).toBe("deactivated");
  });

  it("deactivating twice is a no-op the second time (no event, no version bump)", async () => {
    const t = await fresh("member");
    await w.core.deactivate(w.as(w.u.admin), t.id);
    const once = await w.reload(t.id);
    const mark = await auditMark(w);
    const dto = await w.core.deactivate(w.as(w.u.admin), t.id);
    expect(dto.status).toBe("deactivated");
    expect(await w.reload(t.id)).toEqual(once);
    expect(await mark.since()).toEqual([]);
  });

  it("reactivation: with a password → active; never set one → invited; active → no-op", async () => {
    const withPw = await fresh("member", "deactivated");
    expect((await w.core.reactivate(w.as(w.u.admin), withPw.id)).status).toBe("active");
    const invitedThenGone = await fresh("member", "invited");
    await w.core.deactivate(w.as(w.u.admin), invitedThenGone.id);
    expect((await w.core.reactivate(w.as(w.u.admin), invitedThenGone.id)).status).toBe("invited");
    const active = await fresh("member");
    const mark = await auditMark(w);
    expect((await w.core.reactivate(w.as(w.u.admin), active.id)).status).toBe("active");
    expect(await w.reload(active.id)).toEqual(active);
    expect(await mark.since()).toEqual([]);
  });

  it("a reactivated user's old session stays ended", async () => {
    const t = await fresh("auditor");
    const old = w.as(t);
    await w.core.deactivate(w.as(w.u.admin), t.id);
    await w.core.reactivate(w.as(w.u.admin), t.id);
    await expectCode(w.core.list(old, {}), "UNAUTHENTICATED");
    expect((await w.core.list(w.as((await w.reload(t.id))!), {})).total).toBeGreaterThan(0);
  });
});

describe("update details", () => {
  it("a stale expectedVersion is CONFLICT and changes nothing; the current one works", async () => {
    const t = await fresh("member");
    await w.core.update(w.as(w.u.admin), t.id, { name: "First" });
    const err = await refused(
      () => w.core.update(w.as(w.u.manager), t.id, { name: "Second", expectedVersion: t.version }),
      "CONFLICT",
      [t],
      { actor: w.u.manager, action: "user.updated" },
    );
    expect(err.fields?.expectedVersion).toBeDefined();
    const dto = await w.core.update(w.as(w.u.manager), t.id, { name: "Second", expectedVersion: t.version + 1 });
    expect(dto).toMatchObject({ name: "Second", version: t.version + 2 });
  });

  it("a stale expectedVersion on a role change is CONFLICT", async () => {
    const t = await fresh("member");
    await w.core.update(w.as(w.u.admin), t.id, { name: "Bump" });
    await refused(() => w.core.changeRole(w.as(w.u.admin), t.id, { role: "manager", expectedVersion: t.version }), "CONFLICT", [t], {
      actor: w.u.admin,
      action: "user.role_changed",
    });
  });

  it("an update that changes nothing writes nothing", async () => {
    const t = await fresh("member");
    const mark = await auditMark(w);
    await w.core.update(w.as(w.u.admin), t.id, { name: t.name });
    expect(await w.reload(t.id)).toEqual(t);
    expect(await mark.since()).toEqual([]);
  });

  it("blank profile values clear a field", async () => {
    const t = await fresh("member");
    await w.core.update(w.as(w.u.admin), t.id, { city: "Oslo" });
    await w.core.update(w.as(w.u.admin), t.id, { city: "  " });
    expect((await w.reload(t.id))!.city).toBeNull();
  });

  it("refuses fields outside the schema (role, status, orgId, passwordHash, sessionVersion)", async () => {
    const t = await fresh("member");
    for (const extra of [{ role: "admin" }, { status: "active" }, { orgId: w.orgB }, { passwordHash: "x" }, { sessionVersion: 99 }, { email: "x@y.test" }]) {
      await refused(() => w.core.update(w.as(w.u.admin), t.id, { name: "x", ...extra }), "VALIDATION", [t], "unchecked");
    }
  });
});

describe("passwords set, reset and changed", () => {
  it("setPassword: temporary flag forces a change at next sign-in; the old password stops working", async () => {
    const t = await fresh("member");
    await w.core.setPassword(w.as(w.u.admin), t.id, { password: strong, passwordConfirmation: strong, temporary: true });
    const after = (await w.reload(t.id))!;
    expect(after.mustChangePassword).toBe(true);
    expect(await verifyPassword(after.passwordHash!, strong)).toBe(true);
    expect(await verifyPassword(after.passwordHash!, TEST_PASSWORD)).toBe(false);
  });

  it("setPassword on an invited user activates them and revokes the invitation", async () => {
    const [inv] = await w.core.invite(w.as(w.u.admin), { emails: uniqueEmail("setpw"), inviteMode: "none" });
    await w.core.setPassword(w.as(w.u.admin), inv!.userId!, { password: strong, passwordConfirmation: strong });
    expect((await w.reload(inv!.userId!))!.status).toBe("active");
    await expectCode(w.core.previewInvitation(inv!.invitationLink!.split("/").pop()), "NOT_FOUND");
  });

  it("setPassword on a deactivated user is CONFLICT", async () => {
    const t = await fresh("member", "deactivated");
    await refused(() => w.core.setPassword(w.as(w.u.admin), t.id, { password: strong, passwordConfirmation: strong }), "CONFLICT", [t], {
      actor: w.u.admin,
      action: "user.password_set",
    });
  });

  it("resetPassword by link: the old password stops working, the email is queued, the link sets a new one once", async () => {
    const t = await fresh("member");
    const res = await w.core.resetPassword(w.as(w.u.admin), t.id, {});
    const after = (await w.reload(t.id))!;
    expect(after.passwordHash).toBeNull();
    expect(res.link).toMatch(/^http:\/\/roster\.test\/reset-password\/[\w-]+$/);
    expect(res.temporaryPassword).toBeUndefined();
    const mail = await w.database.db
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.to, t.email), eq(emailOutbox.template, "password_reset")));
    expect(mail).toHaveLength(1);
    expect(mail[0]!.payload).toMatchObject({ link: res.link });

    const token = res.link!.split("/").pop()!;
    expect(await w.core.previewPasswordReset(token)).toMatchObject({ email: t.email });
    expect(await w.core.previewPasswordReset(token)).toMatchObject({ email: t.email }); // not consumed
    await expectCode(w.core.previewInvitation(token), "NOT_FOUND"); // a reset link is no invitation
    const done = await w.core.completePasswordReset({ token, password: strong, passwordConfirmation: strong });
    expect(done.status).toBe("active");
    const final = (await w.reload(t.id))!;
    expect(await verifyPassword(final.passwordHash!, strong)).toBe(true);
    expect(final.sessionVersion).toBeGreaterThan(after.sessionVersion);
    await expectCode(w.core.completePasswordReset({ token, password: `${strong}2`, passwordConfirmation: `${strong}2` }), "NOT_FOUND");
  });

  it("a second reset supersedes the first link; an expired reset link is refused", async () => {
    const t = await fresh("member");
    const first = await w.core.resetPassword(w.as(w.u.admin), t.id, {});
    const second = await w.core.resetPassword(w.as(w.u.admin), t.id, {});
    await expectCode(w.core.previewPasswordReset(first.link!.split("/").pop()), "NOT_FOUND");
    const token = second.link!.split("/").pop()!;
    const later = createUsersCore(w.database.db, { appUrl: "http://roster.test" }, () => new Date(Date.now() + 3 * 3_600_000));
    await expectCode(later.previewPasswordReset(token), "NOT_FOUND");
    await expectCode(later.completePasswordReset({ token, password: strong, passwordConfirmation: strong }), "NOT_FOUND");
    expect(await w.core.previewPasswordReset(token)).toMatchObject({ email: t.email });
  });

  it("resetPassword on an invited or deactivated user is CONFLICT", async () => {
    for (const status of ["invited", "deactivated"] as const) {
      const t = await fresh("member", status);
      await refused(() => w.core.resetPassword(w.as(w.u.admin), t.id, {}), "CONFLICT", [t], {
        actor: w.u.admin,
        action: "user.password_reset",
      });
    }
  });

  for (const role of ["admin", "manager", "auditor", "member"] as const) {
    it(`changeOwnPassword works for a ${role} with the current password, and ends their sessions`, async () => {
      const me = await fresh(role);
      const dto = await w.core.changeOwnPassword(w.as(me), { currentPassword: TEST_PASSWORD, password: strong, passwordConfirmation: strong });
      expect(dto.mustChangePassword).toBe(false);
      const after = (await w.reload(me.id))!;
      expect(await verifyPassword(after.passwordHash!, strong)).toBe(true);
      expect(after.sessionVersion).toBe(me.sessionVersion + 1);
    });
  }

  it("changeOwnPassword clears must-change after a temporary password", async () => {
    const me = await fresh("member");
    const { temporaryPassword } = await w.core.resetPassword(w.as(w.u.admin), me.id, { mode: "temporary_password" });
    const p = w.as((await w.reload(me.id))!);
    await w.core.changeOwnPassword(p, { currentPassword: temporaryPassword, password: strong, passwordConfirmation: strong });
    expect((await w.reload(me.id))!.mustChangePassword).toBe(false);
  });

  it("SECURITY 12: with a temporary password a session can do nothing but change it (reads and writes FORBIDDEN, audited); an API key is not held back", async () => {
    const me = await fresh("admin");
    const { temporaryPassword } = await w.core.resetPassword(w.as(w.u.admin), me.id, { mode: "temporary_password" });
    const p = w.as((await w.reload(me.id))!);
    // Automation keeps working: an API key is its own credential, not the password.
    const key = await apiKeyPrincipal(w, (await w.reload(me.id))!, ["users:read"]);
    expect((await w.core.list(key, {})).data.length).toBeGreaterThan(0);
    const mark = await auditMark(w);
    for (const call of [
      () => w.core.list(p, {}),
      () => w.core.get(p, w.u.member.id),
      () => w.core.stats(p),
      () => w.core.update(p, w.u.member.id, { name: "Not while temporary" }),
      () => w.core.invite(p, { emails: [uniqueEmail("tmp")] }),
      () => w.core.bulkDeactivate(p, { ids: [w.u.member.id] }),
      () => w.core.createApiKey(p, { name: "k", scopes: ["users:read"] }),
    ]) {
      const err = await expectCode(call(), "FORBIDDEN");
      expect(err.message).toMatch(/temporary/);
    }
    expect((await w.reload(w.u.member.id))!.name).toBe(w.u.member.name);
    const refusals = await mark.since();
    expect(refusals).toHaveLength(7);
    expect(refusals.every((e) => e.outcome === "refused" && e.actorId === me.id && /temporary/.test(JSON.stringify(e.changes)))).toBe(true);

    // A refused new password still says why (not "change it first").
    await expectCode(w.core.changeOwnPassword(p, { currentPassword: temporaryPassword, password: "short", passwordConfirmation: "short" }), "VALIDATION");
    await w.core.changeOwnPassword(p, { currentPassword: temporaryPassword, password: strong, passwordConfirmation: strong });
    const after = w.as((await w.reload(me.id))!);
    expect((await w.core.list(after, {})).data.length).toBeGreaterThan(0);
  });

  it("changeOwnPassword: a wrong current password, or the same password again, is VALIDATION", async () => {
    const me = await fresh("manager");
    const wrong = await refused(
      () => w.core.changeOwnPassword(w.as(me), { currentPassword: "not my password", password: strong, passwordConfirmation: strong }),
      "VALIDATION",
      [me],
      { actor: me, action: "user.password_changed" },
    );
    expect(wrong.fields?.currentPassword).toBeDefined();
    const same = await refused(
      () => w.core.changeOwnPassword(w.as(me), { currentPassword: TEST_PASSWORD, password: TEST_PASSWORD, passwordConfirmation: TEST_PASSWORD }),
      "VALIDATION",
      [me],
      { actor: me, action: "user.password_changed" },
    );
    expect(same.fields?.password).toBeDefined();
  });
});

describe("API keys are limited by their scopes (role ∩ scopes)", () => {
  it("users:read cannot write or delete", async () => {
    const key = await apiKeyPrincipal(w, w.u.admin, ["users:read"]);
    const t = await fresh("member");
    await refused(() => w.core.update(key, t.id, { name: "x" }), "FORBIDDEN", [t], { actor: w.u.admin, action: "user.updated" });
    await refused(() => w.core.delete(key, t.id), "FORBIDDEN", [t], { actor: w.u.admin, action: "user.deleted" });
    await refused(() => w.core.deactivate(key, t.id), "FORBIDDEN", [t], { actor: w.u.admin, action: "user.deactivated" });
  });

  it("users:write may edit and deactivate but not delete; users:delete may delete but not edit", async () => {
    const writer = await apiKeyPrincipal(w, w.u.admin, ["users:write"]);
    const deleter = await apiKeyPrincipal(w, w.u.admin, ["users:delete"]);
    const t = await fresh("member");
    await w.core.update(writer, t.id, { name: "By Key" });
    await refused(() => w.core.delete(writer, t.id), "FORBIDDEN", [t], { actor: w.u.admin, action: "user.deleted" });
    const t2 = (await w.reload(t.id))!;
    await refused(() => w.core.update(deleter, t.id, { name: "x" }), "FORBIDDEN", [t2], { actor: w.u.admin, action: "user.updated" });
    await w.core.delete(deleter, t.id);
    expect(await w.reload(t.id)).toBeUndefined();
  });

  it("the key's scopes come from the database, not from what the principal claims", async () => {
    const key = await apiKeyPrincipal(w, w.u.admin, ["users:read"]);
    const t = await fresh("member");
    const inflated: Principal = { ...key, scopes: ["users:read", "users:write", "users:delete"] };
    await refused(() => w.core.delete(inflated, t.id), "FORBIDDEN", [t], { actor: w.u.admin, action: "user.deleted" });
    const missing: Principal = { ...key, scopes: undefined };
    await refused(() => w.core.delete(missing, t.id), "FORBIDDEN", [t], { actor: w.u.admin, action: "user.deleted" });
  });

  it("a manager's key with users:write still edits members only", async () => {
    const key = await apiKeyPrincipal(w, w.u.manager, ["users:write"]);
    const mgr = await fresh("manager");
    await refused(() => w.core.update(key, mgr.id, { name: "x" }), "FORBIDDEN", [mgr], { actor: w.u.manager, action: "user.updated" });
  });

  it("a revoked or expired key is UNAUTHENTICATED and changes nothing", async () => {
    const revoked = await apiKeyPrincipal(w, w.u.admin, ["users:delete"], { revokedAt: new Date() });
    const expired = await apiKeyPrincipal(w, w.u.admin, ["users:delete"], { expiresAt: new Date(Date.now() - 1000) });
    const t = await fresh("member");
    await refused(() => w.core.delete(revoked, t.id), "UNAUTHENTICATED", [t], "none");
    await refused(() => w.core.delete(expired, t.id), "UNAUTHENTICATED", [t], "none");
  });
});
