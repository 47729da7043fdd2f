// SECURITY.md at the core: items 1–8, 16–18, 23 and 26 (item 9 and 10 are in bulk.int.test.ts,
// 11–13 in mutations.int.test.ts, 14–15 in invitations.int.test.ts).
import { afterAll, assert, beforeAll, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { emailOutbox, invitations, organizations, users, type UserRow } from "../db/schema";
import { TEST_PASSWORD, createWorld, type World } from "../testing/fixtures";
import { apiKeyPrincipal, auditMark, expectCode, uniqueEmail, withTrigger } from "../testing/helpers";
import { verifyPassword } from "../security/passwords";
import { emailKey } from "../validation/users";
import type { Role, Status } from "../validation/enums";
import { RosterError, toErrorBody, type Principal } from "./index";

let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(() => w?.close());

const strong = "a strong new passphrase";
const pw = (password: string) => ({ password, passwordConfirmation: password });
const fresh = (role: Role = "member", status: Status = "active", org?: string) =>
  w.addUser(org ?? w.orgA, uniqueEmail(`${role}-${status}`), role, status);
const tokenOf = (link: string | undefined) => link!.split("/").pop()!;
const snapshot = (rows: UserRow[]) => Promise.all(rows.map((r) => w.reload(r.id)));
const countUsers = async () => (await w.database.db.select({ id: users.id }).from(users)).length;

/** Every mutation of the core, aimed at `t` (a member) or `inv` (an invited member). */
function allMutations(p: Principal, t: UserRow, inv: UserRow): [string, () => Promise<unknown>][] {
  return [
    ["create", () => w.core.create(p, { email: uniqueEmail("x") })],
    ["invite", () => w.core.invite(p, { emails: [uniqueEmail("x")] })],
    ["update", () => w.core.update(p, t.id, { name: "x" })],
    ["changeRole", () => w.core.changeRole(p, t.id, { role: "manager" })],
    ["deactivate", () => w.core.deactivate(p, t.id)],
    ["reactivate", () => w.core.reactivate(p, t.id)],
    ["delete", () => w.core.delete(p, t.id)],
    ["bulkDelete", () => w.core.bulkDelete(p, { ids: [t.id] })],
    ["bulkDeactivate", () => w.core.bulkDeactivate(p, { ids: [t.id] })],
    ["bulkChangeRole", () => w.core.bulkChangeRole(p, { ids: [t.id], role: "member" })],
    ["setPassword", () => w.core.setPassword(p, t.id, pw(strong))],
    ["resetPassword", () => w.core.resetPassword(p, t.id, {})],
    ["endSessions", () => w.core.endSessions(p, t.id)],
    ["resendInvitation", () => w.core.resendInvitation(p, inv.id)],
    ["revokeInvitation", () => w.core.revokeInvitation(p, inv.id)],
    ["copyInvitationLink", () => w.core.copyInvitationLink(p, inv.id)],
  ];
}

describe("1–2: a manager cannot reach above their role", () => {
  it("a crafted role:'admin' is FORBIDDEN (role change, create, invite, bulk) or VALIDATION (profile PATCH); nothing changes", async () => {
    const t = await fresh("member");
    const m = w.as(w.u.manager);
    const users0 = await countUsers();
    await expectCode(w.core.changeRole(m, t.id, { role: "admin" }), "FORBIDDEN");
    await expectCode(w.core.changeRole(m, t.id, { role: "manager" }), "FORBIDDEN");
    await expectCode(w.core.bulkChangeRole(m, { ids: [t.id], role: "admin" }), "FORBIDDEN");
    await expectCode(w.core.update(m, t.id, { name: "x", role: "admin" }), "VALIDATION");
    for (const role of ["admin", "auditor"] as const) {
      await expectCode(w.core.create(m, { email: uniqueEmail("up"), role }), "FORBIDDEN");
      await expectCode(w.core.create(m, { email: uniqueEmail("up"), role, ...pw(strong) }), "FORBIDDEN");
      await expectCode(w.core.create(m, { email: uniqueEmail("up"), role, inviteMode: "temporary_password" }), "FORBIDDEN");
      await expectCode(w.core.invite(m, { emails: [uniqueEmail("up")], role }), "FORBIDDEN");
    }
    expect(await w.reload(t.id)).toEqual(t);
    expect(await w.reload(w.u.manager.id)).toEqual(w.u.manager);
    expect(await countUsers()).toBe(users0);
  });

  it("a manager cannot act on an admin's invitation or profile", async () => {
    const { user } = await w.core.create(w.as(w.u.admin), { email: uniqueEmail("inv-admin"), role: "admin", inviteMode: "none" });
    const before = await w.reload(user.id);
    await expectCode(w.core.resendInvitation(w.as(w.u.manager), user.id), "FORBIDDEN");
    await expectCode(w.core.update(w.as(w.u.manager), w.u.admin.id, { name: "Pwned" }), "FORBIDDEN");
    expect(await w.reload(user.id)).toEqual(before);
    expect(await w.reload(w.u.admin.id)).toEqual(w.u.admin);
  });
});

describe("3: an auditor calls every mutation", () => {
  it("each is FORBIDDEN and audited; nothing changes; reads keep working", async () => {
    const t = await fresh("member");
    const { user: invDto } = await w.core.create(w.as(w.u.admin), { email: uniqueEmail("inv"), inviteMode: "none" });
    const inv = (await w.reload(invDto.id))!;
    const users0 = await countUsers();
    const invs0 = await w.database.db.select().from(invitations).where(eq(invitations.userId, inv.id));
    const mark = await auditMark(w);
    const ops = allMutations(w.as(w.u.auditor), t, inv);
    for (const [name, call] of ops) {
      const err = await expectCode(call(), "FORBIDDEN");
      expect(err.message, name).toMatch(/^Auditors cannot|You cannot/);
    }
    expect(await snapshot([t, inv, w.u.auditor])).toEqual([t, inv, w.u.auditor]);
    expect(await countUsers()).toBe(users0);
    expect(await w.database.db.select().from(invitations).where(eq(invitations.userId, inv.id))).toEqual(invs0);
    const events = await mark.since();
    expect(events).toHaveLength(ops.length);
    expect(events.every((e) => e.outcome === "refused" && e.actorId === w.u.auditor.id)).toBe(true);
    const orgA = await w.database.db.select({ id: users.id }).from(users).where(eq(users.orgId, w.orgA));
    expect((await w.core.list(w.as(w.u.auditor), {})).total).toBe(orgA.length);
    expect((await w.core.get(w.as(w.u.auditor), t.id)).id).toBe(t.id);
  });

  it("a member likewise gets FORBIDDEN for every mutation and read", async () => {
    const t = await fresh("member");
    const inv = await fresh("member", "invited");
    for (const [, call] of allMutations(w.as(w.u.member), t, inv)) {
      const err = await expectCode(call(), "FORBIDDEN");
      expect(err.message).toMatch(/Members have no access to the console|You cannot/);
    }
    await expectCode(w.core.list(w.as(w.u.member), {}), "FORBIDDEN");
    expect(await snapshot([t, inv])).toEqual([t, inv]);
  });
});

describe("4: no (valid) caller", () => {
  it("an unknown, deleted or deactivated user, or a forged org, is UNAUTHENTICATED; nothing runs, nothing is audited", async () => {
    const t = await fresh("member");
    const inv = await fresh("member", "invited");
    const deleted = await fresh("admin");
    await w.core.delete(w.as(w.u.admin), deleted.id);
    const ghosts: Principal[] = [
      { kind: "session", userId: "00000000-0000-4000-8000-000000000000", orgId: w.orgA, email: "ghost@a.test", role: "admin" },
      w.as(deleted),
      w.as(w.u.deactivated, { role: "admin" }),
      { ...w.as(w.u.bAdmin), orgId: w.orgA }, // org B's admin claiming org A
      w.as(w.u.admin, { sessionVersion: w.u.admin.sessionVersion + 7 }),
      { kind: "api_key", userId: w.u.admin.id, orgId: w.orgA, email: w.u.admin.email, role: "admin", scopes: ["users:delete"] },
      { kind: "api_key", userId: w.u.admin.id, orgId: w.orgA, email: w.u.admin.email, role: "admin", apiKeyId: "00000000-0000-4000-8000-000000000000" },
    ];
    const users0 = await countUsers();
    const mark = await auditMark(w);
    for (const g of ghosts) {
      for (const [, call] of allMutations(g, t, inv)) await expectCode(call(), "UNAUTHENTICATED");
      await expectCode(w.core.list(g, {}), "UNAUTHENTICATED");
      await expectCode(w.core.get(g, t.id), "UNAUTHENTICATED");
      await expectCode(w.core.changeOwnPassword(g, { currentPassword: TEST_PASSWORD, ...pw(strong) }), "UNAUTHENTICATED");
    }
    expect(await snapshot([t, inv])).toEqual([t, inv]);
    expect(await countUsers()).toBe(users0);
    expect(await mark.since()).toEqual([]);
  });
});

describe("5: org A names org B's users", () => {
  it("every operation answers NOT_FOUND, the same as for nobody, and org B is untouched", async () => {
    const bInv = await fresh("member", "invited", w.orgB);
    const targets = [w.u.bMember, w.u.bAdmin, bInv];
    const before = await snapshot(targets);
    const a = w.as(w.u.admin);
    for (const ref of [w.u.bMember.id, w.u.bMember.email, ` ${w.u.bMember.email.toUpperCase()} `]) {
      const calls: (() => Promise<unknown>)[] = [
        () => w.core.get(a, ref),
        () => w.core.update(a, ref, { name: "x" }),
        () => w.core.changeRole(a, ref, { role: "admin" }),
        () => w.core.deactivate(a, ref),
        () => w.core.reactivate(a, ref),
        () => w.core.delete(a, ref),
        () => w.core.setPassword(a, ref, pw(strong)),
        () => w.core.resetPassword(a, ref, { mode: "temporary_password" }),
        () => w.core.endSessions(a, ref),
      ];
      for (const call of calls) {
        const err = await expectCode(call(), "NOT_FOUND");
        expect(err.message).toBe("No such user in your organization");
      }
    }
    for (const ref of [bInv.id, bInv.email]) {
      await expectCode(w.core.resendInvitation(a, ref), "NOT_FOUND");
      await expectCode(w.core.revokeInvitation(a, ref), "NOT_FOUND");
      await expectCode(w.core.copyInvitationLink(a, ref), "NOT_FOUND");
    }
    const bulk = await w.core.bulkDelete(a, { ids: [w.u.bMember.id], emails: [w.u.bAdmin.email] });
    expect(bulk.map((r) => [r.outcome, r.code, r.userId])).toEqual([
      ["not_found", "NOT_FOUND", undefined],
      ["not_found", "NOT_FOUND", undefined],
    ]);
    expect((await w.core.list(a, { email: w.u.bMember.email })).data).toEqual([]);
    expect(await snapshot(targets)).toEqual(before);
  });
});

describe("6: extra fields are refused by strict schemas", () => {
  const extras = [{ orgId: "00000000-0000-4000-8000-000000000000" }, { passwordHash: "$argon2id$fake" }, { status: "active" }, { sessionVersion: 1 }];
  for (const extra of extras) {
    const field = Object.keys(extra)[0]!;
    it(`${field} → VALIDATION naming the field, on every door that takes a body`, async () => {
      const t = await fresh("member");
      const inv = await fresh("member", "invited");
      const email = uniqueEmail("extra");
      const a = w.as(w.u.admin);
      const calls: (() => Promise<unknown>)[] = [
        () => w.core.create(a, { email, ...extra }),
        () => w.core.invite(a, { emails: [email], ...extra }),
        () => w.core.update(a, t.id, { name: "x", ...extra }),
        () => w.core.changeRole(a, t.id, { role: "manager", ...extra }),
        () => w.core.setPassword(a, t.id, { ...pw(strong), ...extra }),
        () => w.core.resetPassword(a, t.id, { ...extra }),
        () => w.core.changeOwnPassword(w.as(t), { currentPassword: TEST_PASSWORD, ...pw(strong), ...extra }),
        () => w.core.bulkDelete(a, { ids: [t.id], ...extra }),
        () => w.core.bulkDeactivate(a, { ids: [t.id], ...extra }),
        () => w.core.bulkChangeRole(a, { ids: [t.id], role: "manager", ...extra }),
        // (status is a real filter of the list, so only the others are extra there)
        ...(field === "status" ? [] : [() => w.core.list(a, { ...extra })]),
        () => w.core.acceptInvitation({ token: "whatever", ...pw(strong), ...extra }),
        () => w.core.completePasswordReset({ token: "whatever", ...pw(strong), ...extra }),
      ];
      for (const call of calls) {
        const err = await expectCode(call(), "VALIDATION");
        expect(err.message).toContain(field);
        expect(err.fields?._?.join()).toContain(field);
      }
      expect(await snapshot([t, inv])).toEqual([t, inv]);
      expect(await w.database.db.select().from(users).where(eq(users.emailKey, emailKey(email)))).toEqual([]);
    });
  }
});

describe("7–8: the last admin", () => {
  async function orgWithAdmins(n: number) {
    const [org] = await w.database.db.insert(organizations).values({ name: "Two", slug: uniqueEmail("slug").replace(/\W/g, "") }).returning();
    const admins: UserRow[] = [];
    for (let i = 0; i < n; i++) admins.push(await fresh("admin", "active", org!.id));
    return { org: org!.id, admins };
  }
  const activeAdmins = async (org: string) =>
    (await w.database.db.select().from(users).where(eq(users.orgId, org))).filter((u) => u.role === "admin" && u.status === "active");

  it("7: the last active admin demoting, deactivating or deleting themselves is refused", async () => {
    const { org, admins } = await orgWithAdmins(1);
    const [me] = admins as [UserRow];
    for (const call of [
      () => w.core.changeRole(w.as(me), me.id, { role: "member" }),
      () => w.core.deactivate(w.as(me), me.id),
      () => w.core.delete(w.as(me), me.id),
    ]) {
      const err = await expectCode(call(), "LAST_ADMIN");
      expect(err.status).toBe(409);
    }
    for (const [name, call] of [
      ["delete", () => w.core.bulkDelete(w.as(me), { ids: [me.id] })],
      ["deactivate", () => w.core.bulkDeactivate(w.as(me), { ids: [me.id] })],
      ["role", () => w.core.bulkChangeRole(w.as(me), { ids: [me.id], role: "auditor" })],
    ] as const) {
      expect((await call())[0], name).toMatchObject({ outcome: "skipped", code: "LAST_ADMIN" });
    }
    expect((await activeAdmins(org)).map((u) => u.id)).toEqual([me.id]);
  });

  for (const kind of ["sessions", "API keys"] as const) {
    it(`8: two admins demote each other at the same moment (${kind}) → exactly one succeeds; an admin remains`, async () => {
      for (let round = 0; round < 3; round++) {
        const { org, admins } = await orgWithAdmins(2);
        const [x, y] = admins as [UserRow, UserRow];
        const principal = async (u: UserRow): Promise<Principal> => {
          if (kind === "sessions") return w.as(u);
          return apiKeyPrincipal(w, u, ["users:read", "users:write"]);
        };
        const [px, py] = [await principal(x), await principal(y)];
        const results = await Promise.allSettled([
          w.core.changeRole(px, y.id, { role: "member" }),
          w.core.changeRole(py, x.id, { role: "member" }),
        ]);
        const ok = results.filter((r) => r.status === "fulfilled");
        expect(ok).toHaveLength(1);
        const failed = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
        expect(failed.reason).toBeInstanceOf(RosterError);
        expect(["UNAUTHENTICATED", "FORBIDDEN"]).toContain((failed.reason as RosterError).code);
        expect(await activeAdmins(org)).toHaveLength(1);
      }
    });
  }
});

describe("16–17: one account per email", () => {
  it("'Bob@Example.COM ' when bob@example.com exists → CONFLICT; a Cyrillic look-alike → VALIDATION; never a second account", async () => {
    const bob = await w.addUser(w.orgA, "bob@example.com", "member");
    const a = w.as(w.u.admin);
    await expectCode(w.core.create(a, { email: "Bob@Example.COM " }), "CONFLICT");
    await expectCode(w.core.create(a, { email: "Bob@Example.COM ", ...pw(strong) }), "CONFLICT");
    const [inv] = await w.core.invite(a, { emails: ["Bob@Example.COM "] });
    expect(inv).toMatchObject({ outcome: "skipped", code: "CONFLICT" });
    // "bоb" with U+043E CYRILLIC SMALL LETTER O; "Ьob"; a full-width "ｂob".
    for (const lookAlike of ["b\u043eb@example.com", "bob@\u0435xample.com", "\uff42ob@example.com"]) {
      await expectCode(w.core.create(a, { email: lookAlike }), "VALIDATION");
      const [r] = await w.core.invite(a, { emails: [lookAlike] });
      expect(r).toMatchObject({ outcome: "failed", code: "VALIDATION" });
    }
    const rows = await w.database.db.select().from(users).where(eq(users.emailKey, "bob@example.com"));
    expect(rows.map((r) => r.id)).toEqual([bob.id]);
    expect((await w.core.list(a, { q: "example.com" })).total).toBe(1);
    expect((await w.core.get(a, " BOB@example.com")).id).toBe(bob.id);
  });

  it("17: the email of a deleted user can be invited again", async () => {
    const gone = await w.addUser(w.orgA, "carol@example.com", "manager");
    await w.core.delete(w.as(w.u.admin), gone.id);
    const [again] = await w.core.invite(w.as(w.u.admin), { emails: ["Carol@Example.com"], inviteMode: "none" });
    expect(again).toMatchObject({ outcome: "invited", email: "Carol@Example.com" });
    expect(again!.userId).not.toBe(gone.id);
    expect(await w.reload(again!.userId!)).toMatchObject({ status: "invited", role: "member", passwordHash: null });
  });
});

describe("18: passwords — one consistent policy on every door, no truncation, no crash", () => {
  const long = "p".repeat(99) + "1";
  const longVariant = "p".repeat(99) + "2";
  const emoji = "🔐🦄🌵🎲🔐🦄🌵🎲";

  interface Prepared {
    apply: (password: string) => Promise<unknown>;
    userId: () => Promise<string | undefined>;
    /** What must not change when a password is refused. */
    state: () => Promise<unknown>;
  }
  const invitationRows = (id: string) => w.database.db.select().from(invitations).where(eq(invitations.userId, id));
  const doors: Record<string, () => Promise<Prepared>> = {
    create: async () => {
      const email = uniqueEmail("door");
      const find = async () => (await w.database.db.select().from(users).where(eq(users.emailKey, emailKey(email))))[0];
      return {
        apply: (password) => w.core.create(w.as(w.u.admin), { email, ...pw(password) }),
        userId: async () => (await find())?.id,
        state: find,
      };
    },
    setPassword: async () => {
      const t = await fresh("member");
      return { apply: (password) => w.core.setPassword(w.as(w.u.admin), t.id, pw(password)), userId: async () => t.id, state: () => w.reload(t.id) };
    },
    changeOwnPassword: async () => {
      const t = await fresh("member");
      return {
        apply: (password) => w.core.changeOwnPassword(w.as(t), { currentPassword: TEST_PASSWORD, ...pw(password) }),
        userId: async () => t.id,
        state: () => w.reload(t.id),
      };
    },
    acceptInvitation: async () => {
      const { user, invitationLink } = await w.core.create(w.as(w.u.admin), { email: uniqueEmail("door"), inviteMode: "none" });
      return {
        apply: (password) => w.core.acceptInvitation({ token: tokenOf(invitationLink), ...pw(password) }),
        userId: async () => user.id,
        state: async () => [await w.reload(user.id), await invitationRows(user.id)],
      };
    },
    completePasswordReset: async () => {
      const t = await fresh("member");
      const { link } = await w.core.resetPassword(w.as(w.u.admin), t.id, {});
      return {
        apply: (password) => w.core.completePasswordReset({ token: tokenOf(link), ...pw(password) }),
        userId: async () => t.id,
        state: async () => [await w.reload(t.id), await invitationRows(t.id)],
      };
    },
  };

  for (const [door, prepare] of Object.entries(doors)) {
    it(`${door}: refuses 7 characters, common passwords, NUL and 129 characters; changes nothing`, async () => {
      const d = await prepare();
      const before = await d.state();
      for (const bad of ["abc1234", "password1", "iloveyou", "PassWord1", "ILOVEYOU", "abcd\u0000efgh", "x".repeat(129)]) {
        const err = await expectCode(d.apply(bad), "VALIDATION");
        expect(Object.keys(err.fields ?? {}).join(), bad).toMatch(/password/);
      }
      expect(await d.state()).toEqual(before);
      // The door still works with a good password afterwards (nothing was consumed).
      await d.apply(strong);
      const row = (await w.reload((await d.userId())!))!;
      expect(await verifyPassword(row.passwordHash!, strong)).toBe(true);
    });

    it(`${door}: accepts 100 characters and every one of them counts; accepts emoji`, async () => {
      const d = await prepare();
      await d.apply(long);
      const row = (await w.reload((await d.userId())!))!;
      expect(await verifyPassword(row.passwordHash!, long)).toBe(true);
      expect(await verifyPassword(row.passwordHash!, longVariant)).toBe(false);
      expect(await verifyPassword(row.passwordHash!, long.slice(0, 72))).toBe(false);
      const e = await prepare();
      await e.apply(emoji);
      const erow = (await w.reload((await e.userId())!))!;
      expect(await verifyPassword(erow.passwordHash!, emoji)).toBe(true);
      expect(await verifyPassword(erow.passwordHash!, emoji.slice(0, -2))).toBe(false);
    });
  }

  it("a refused password leaves the target exactly as it was", async () => {
    const t = await fresh("member");
    await expectCode(w.core.setPassword(w.as(w.u.admin), t.id, pw("iloveyou")), "VALIDATION");
    await expectCode(w.core.setPassword(w.as(w.u.admin), t.id, pw("short")), "VALIDATION");
    await expectCode(w.core.setPassword(w.as(w.u.admin), t.id, { password: strong, passwordConfirmation: `${strong}.` }), "VALIDATION");
    expect(await w.reload(t.id)).toEqual(t);
  });

  it("the user's own email (or its local part) is not a password", async () => {
    const t = await w.addUser(w.orgA, "dora.explorer@example.com", "member");
    await expectCode(w.core.setPassword(w.as(w.u.admin), t.id, pw("dora.explorer@example.com")), "VALIDATION");
    await expectCode(w.core.setPassword(w.as(w.u.admin), t.id, pw("Dora.Explorer")), "VALIDATION");
  });
});

describe("23: hostile list queries never reach the database as SQL", () => {
  it("sort injection and bad values are VALIDATION; limit is clamped; q is data", async () => {
    const a = w.as(w.u.admin);
    await expectCode(w.core.list(a, { sort: "name;DROP TABLE users" }), "VALIDATION");
    await expectCode(w.core.list(a, { cursor: "garbage" }), "VALIDATION");
    await expectCode(w.core.list(a, { limit: "NaN" }), "VALIDATION");
    expect((await w.core.list(a, { q: "' OR 1=1 --" })).total).toBe(0);
    const all = await w.core.list(a, { limit: "1e9" });
    expect(all.data.length).toBe(Math.min(100, all.total));
    expect(all.total).toBeGreaterThan(7);
  });
});

describe("26: the audit write fails → the whole mutation rolls back", () => {
  const failAudit = <T>(body: () => Promise<T>) =>
    withTrigger(w, "fail_audit", "audit_events", "before insert", "begin raise exception 'audit down'; end", body);

  /** Must fail with a raw database error that the doors turn into INTERNAL. */
  async function internal(call: Promise<unknown>) {
    const err = await call.then(
      () => assert.fail("the mutation succeeded without its audit event"),
      (e: unknown) => e,
    );
    expect(err).not.toBeInstanceOf(RosterError);
    expect(String((err as Error).cause ?? err)).toMatch(/audit down/);
    const quiet = vi.spyOn(console, "error").mockImplementation(() => {});
    const body = toErrorBody(err, "req-123");
    expect(quiet).toHaveBeenCalledWith(expect.stringContaining("req-123"), err); // the details go to the log
    quiet.mockRestore();
    expect(body).toMatchObject({ code: "INTERNAL", requestId: "req-123" });
    expect(body.message).toContain("req-123");
    expect(body.message).not.toMatch(/audit down|insert|select/i);
  }

  it("single-user mutations leave no trace, and work again once the audit log is back", async () => {
    const t = await fresh("member");
    const inv = await fresh("member", "invited");
    const email = uniqueEmail("rollback");
    const users0 = await countUsers();
    const outbox0 = (await w.database.db.select().from(emailOutbox)).length;
    const a = w.as(w.u.admin);
    const calls: [string, () => Promise<unknown>][] = [
      ["create", () => w.core.create(a, { email })],
      ["create with password", () => w.core.create(a, { email, ...pw(strong) })],
      ["invite", () => w.core.invite(a, { emails: [email] })],
      ["update", () => w.core.update(a, t.id, { name: "Rolled Back" })],
      ["changeRole", () => w.core.changeRole(a, t.id, { role: "manager" })],
      ["deactivate", () => w.core.deactivate(a, t.id)],
      ["delete", () => w.core.delete(a, t.id)],
      ["setPassword", () => w.core.setPassword(a, t.id, pw(strong))],
      ["resetPassword", () => w.core.resetPassword(a, t.id, {})],
      ["endSessions", () => w.core.endSessions(a, t.id)],
      ["resendInvitation", () => w.core.resendInvitation(a, inv.id)],
      ["revokeInvitation", () => w.core.revokeInvitation(a, inv.id)],
      ["changeOwnPassword", () => w.core.changeOwnPassword(w.as(t), { currentPassword: TEST_PASSWORD, ...pw(strong) })],
    ];
    const invs0 = await w.database.db.select().from(invitations).where(eq(invitations.userId, inv.id));
    await failAudit(async () => {
      for (const [, call] of calls) await internal(call());
    });
    expect(await snapshot([t, inv])).toEqual([t, inv]);
    expect(await countUsers()).toBe(users0);
    expect((await w.database.db.select().from(emailOutbox)).length).toBe(outbox0);
    expect(await w.database.db.select().from(invitations).where(eq(invitations.userId, inv.id))).toEqual(invs0);

    // Back to normal: the same calls work.
    await w.core.update(a, t.id, { name: "Now It Works" });
    expect((await w.reload(t.id))!.name).toBe("Now It Works");
  });

  it("accepting an invitation: the link is not consumed and the user stays invited", async () => {
    const { user, invitationLink } = await w.core.create(w.as(w.u.admin), { email: uniqueEmail("acc"), inviteMode: "none" });
    const token = tokenOf(invitationLink);
    await failAudit(() => internal(w.core.acceptInvitation({ token, ...pw(strong) })));
    expect((await w.reload(user.id))!.status).toBe("invited");
    expect((await w.core.acceptInvitation({ token, ...pw(strong) })).status).toBe("active");
  });

  it("a bulk delete reports each row failed (INTERNAL) and deletes none", async () => {
    const quiet = vi.spyOn(console, "error").mockImplementation(() => {});
    const [x, y] = [await fresh(), await fresh()];
    const out = await failAudit(() => w.core.bulkDelete(w.as(w.u.admin), { ids: [x.id, y.id] }));
    expect(out.map((r) => [r.outcome, r.code])).toEqual([
      ["failed", "INTERNAL"],
      ["failed", "INTERNAL"],
    ]);
    expect(await snapshot([x, y])).toEqual([x, y]);
    quiet.mockRestore();
  });
});
