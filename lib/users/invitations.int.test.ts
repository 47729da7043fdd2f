// Creating and inviting users, and the life of an invitation link: preview, accept once, and
// one generic refusal for every kind of dead link.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { emailOutbox, invitations, users, type UserRow } from "../db/schema";
import { createWorld, type World } from "../testing/fixtures";
import { apiKeyPrincipal, auditMark, expectCode, uniqueEmail, withTrigger } from "../testing/helpers";
import { verifyPassword } from "../security/passwords";
import { emailKey } from "../validation/users";
import type { Role } from "../validation/enums";
import { createUsersCore, type Principal } from "./index";
import { INVALID_LINK } from "./invitations";

let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(() => w?.close());

const strong = "a strong new passphrase";
const tokenOf = (link: string | undefined) => {
  expect(link).toMatch(/^http:\/\/roster\.test\/invite\/[\w-]{20,}$/);
  return link!.split("/").pop()!;
};
const accept = (token: string, extra: Record<string, unknown> = {}, core = w.core) =>
  core.acceptInvitation({ token, password: strong, passwordConfirmation: strong, ...extra });
const userByEmail = async (email: string) =>
  (await w.database.db.select().from(users).where(eq(users.emailKey, emailKey(email))))[0];
const outboxTo = (email: string) => w.database.db.select().from(emailOutbox).where(eq(emailOutbox.to, email));
const invitationsOf = (userId: string) =>
  w.database.db.select().from(invitations).where(eq(invitations.userId, userId)).orderBy(invitations.createdAt);
const later = (hours: number) =>
  createUsersCore(w.database.db, { appUrl: "http://roster.test" }, () => new Date(Date.now() + hours * 3_600_000));

/** A fresh invitation with a link to hand over (mode "none"). */
async function invitedWithLink(role: Role = "member", by: UserRow = w.u.admin) {
  const email = uniqueEmail(`inv-${role}`);
  const { user, invitationLink } = await w.core.create(w.as(by), { email, role, inviteMode: "none" });
  return { user, token: tokenOf(invitationLink), email };
}

describe("permission table: invite or create, by role granted", () => {
  //                      granted: admin manager auditor member
  const GRANT: Record<"admin" | "manager" | "auditor" | "member", boolean[]> = {
    admin: [true, true, true, true],
    manager: [false, true, false, true],
    auditor: [false, false, false, false],
    member: [false, false, false, false],
  };
  const ROLES = ["admin", "manager", "auditor", "member"] as const;
  for (const actorRole of ROLES) {
    ROLES.forEach((granted, col) => {
      const allowed = GRANT[actorRole][col]!;
      for (const op of ["create", "invite"] as const) {
        it(`${actorRole} ${op}s a ${granted}: ${allowed ? "allowed" : "FORBIDDEN, nothing created"}`, async () => {
          const email = uniqueEmail(`${op}-${granted}`);
          const actor = w.u[actorRole];
          const call = () =>
            op === "create"
              ? w.core.create(w.as(actor), { email, role: granted })
              : w.core.invite(w.as(actor), { emails: [email], role: granted });
          const mark = await auditMark(w);
          if (!allowed) {
            await expectCode(call(), "FORBIDDEN");
            expect(await userByEmail(email)).toBeUndefined();
            expect(await outboxTo(email)).toEqual([]);
            const events = await mark.since();
            expect(events).toHaveLength(1);
            expect(events[0]).toMatchObject({ outcome: "refused", actorId: actor.id, action: op === "create" ? "user.created" : "user.invited" });
            return;
          }
          await call();
          const row = await userByEmail(email);
          expect(row).toMatchObject({ role: granted, status: "invited", orgId: w.orgA, invitedBy: actor.id });
          expect(await outboxTo(email)).toHaveLength(1);
          const events = await mark.since();
          expect(events).toHaveLength(1);
          expect(events[0]).toMatchObject({ outcome: "success", action: "user.invited", targetId: row!.id });
        });
      }
    });
  }

  it("API keys: users:read cannot create; users:write can (within the role)", async () => {
    const reader = await apiKeyPrincipal(w, w.u.manager, ["users:read"]);
    const writer = await apiKeyPrincipal(w, w.u.manager, ["users:read", "users:write"]);
    const e1 = uniqueEmail("key");
    await expectCode(w.core.create(reader, { email: e1 }), "FORBIDDEN");
    expect(await userByEmail(e1)).toBeUndefined();
    await w.core.create(writer, { email: e1, role: "manager" });
    expect(await userByEmail(e1)).toMatchObject({ role: "manager" });
    const e2 = uniqueEmail("key");
    await expectCode(w.core.create(writer, { email: e2, role: "admin" }), "FORBIDDEN");
    expect(await userByEmail(e2)).toBeUndefined();
  });
});

describe("create: the four ways in", () => {
  it("with a password: active at once, the password works, nothing is mailed", async () => {
    const email = uniqueEmail("pw");
    const res = await w.core.create(w.as(w.u.admin), {
      email,
      name: "Pat Password",
      password: strong,
      passwordConfirmation: strong,
      mustChangePassword: true,
      company: "Acme",
    });
    expect(res.user).toMatchObject({ email, name: "Pat Password", status: "active", hasPassword: true, mustChangePassword: true, company: "Acme", invitation: null });
    expect(res.invitationLink).toBeUndefined();
    expect(res.temporaryPassword).toBeUndefined();
    const row = (await userByEmail(email))!;
    expect(await verifyPassword(row.passwordHash!, strong)).toBe(true);
    expect(await outboxTo(email)).toEqual([]);
    expect(await invitationsOf(row.id)).toEqual([]);
  });

  it("email_link (the default): invited, and an outbox message holding a working link", async () => {
    const email = uniqueEmail("mail");
    const res = await w.core.create(w.as(w.u.manager), { email, name: "Mia Mail" });
    expect(res.user).toMatchObject({ status: "invited", hasPassword: false, invitation: { state: "pending" } });
    expect(res.user.invitation!.sentAt).not.toBeNull();
    expect(res.invitationLink).toBeUndefined(); // it went by mail, not to the caller
    const mail = await outboxTo(email);
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ template: "invitation", status: "pending", orgId: w.orgA });
    expect(mail[0]!.payload).toMatchObject({ orgName: "Org A", inviterEmail: "manager@a.test", recipientName: "Mia Mail" });
    const token = tokenOf(mail[0]!.payload.link as string);
    expect(await w.core.previewInvitation(token)).toMatchObject({ email, name: "Mia Mail", role: "member", orgName: "Org A", inviter: "manager" });
  });

  it("temporary_password: active, must change at first sign-in, and the password returned works", async () => {
    const email = uniqueEmail("temp");
    const res = await w.core.create(w.as(w.u.admin), { email, inviteMode: "temporary_password" });
    expect(res.temporaryPassword).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(res.user).toMatchObject({ status: "active", mustChangePassword: true, hasPassword: true });
    const row = (await userByEmail(email))!;
    expect(await verifyPassword(row.passwordHash!, res.temporaryPassword!)).toBe(true);
    expect(await outboxTo(email)).toEqual([]);
    // The first own change clears the flag.
    await w.core.changeOwnPassword(w.as(row), { currentPassword: res.temporaryPassword, password: strong, passwordConfirmation: strong });
    expect((await userByEmail(email))!.mustChangePassword).toBe(false);
  });

  it("none: invited, the link is returned to hand over, nothing is mailed", async () => {
    const { user, token, email } = await invitedWithLink();
    expect(user).toMatchObject({ status: "invited", invitation: { state: "pending", sentAt: null } });
    expect(await outboxTo(email)).toEqual([]);
    expect(await w.core.previewInvitation(token)).toMatchObject({ email });
  });

  it("a taken email is CONFLICT, in any case and spacing, in any org; the look-alike is VALIDATION", async () => {
    const mark = await auditMark(w);
    for (const email of ["MEMBER@A.test ", " member@a.test", "Member@B.Test"]) {
      const err = await expectCode(w.core.create(w.as(w.u.admin), { email }), "CONFLICT");
      expect(err.fields?.email).toBeDefined();
    }
    await expectCode(w.core.create(w.as(w.u.admin), { email: "m\u0435mber@a.test" }), "VALIDATION");
    const rows = await w.database.db.select().from(users).where(eq(users.emailKey, "member@a.test"));
    expect(rows).toHaveLength(1);
    // Three CONFLICTs and the look-alike's VALIDATION: every refusal is audited.
    const refused = (await mark.since()).filter((e) => e.outcome === "refused");
    expect(refused.map((e) => (e.changes as { code: string }).code).sort()).toEqual([
      "CONFLICT", "CONFLICT", "CONFLICT", "VALIDATION",
    ]);
  });
});

describe("invite many", () => {
  it("one outcome per email, in input order: invited, invalid, duplicate, taken", async () => {
    const a = uniqueEmail("bulk-a");
    const b = uniqueEmail("bulk-b");
    const input = [a, "not an email", ` ${a.toUpperCase()} `, "member@a.test", b, "admin@b.test", "b\u043eb@x.test"];
    const mark = await auditMark(w);
    const out = await w.core.invite(w.as(w.u.admin), { emails: input, role: "manager", inviteMode: "none" });
    expect(out.map((r) => [r.outcome, r.code ?? null])).toEqual([
      ["invited", null],
      ["failed", "VALIDATION"],
      ["skipped", "DUPLICATE"],
      ["skipped", "CONFLICT"],
      ["invited", null],
      ["skipped", "CONFLICT"],
      ["failed", "VALIDATION"],
    ]);
    expect(out.map((r) => r.input)).toEqual(input.map((s) => s.trim()));
    for (const r of [out[0]!, out[4]!]) {
      expect(r.userId).toMatch(/^[0-9a-f-]{36}$/);
      expect(await w.core.previewInvitation(tokenOf(r.invitationLink))).toMatchObject({ email: r.email, role: "manager" });
    }
    expect(await userByEmail(a)).toMatchObject({ role: "manager", status: "invited" });
    const events = await mark.since();
    expect(events.filter((e) => e.outcome === "success").map((e) => e.targetId).sort()).toEqual([out[0]!.userId, out[4]!.userId].sort());
    expect(events.filter((e) => e.outcome === "refused").map((e) => e.targetEmail).sort()).toEqual(["admin@b.test", "member@a.test"]);
  });

  it("accepts pasted text", async () => {
    const [a, b] = [uniqueEmail("paste"), uniqueEmail("paste")];
    const out = await w.core.invite(w.as(w.u.manager), { emails: `${a},\n${b}; ` });
    expect(out.map((r) => r.outcome)).toEqual(["invited", "invited"]);
    expect((await outboxTo(a)).length + (await outboxTo(b)).length).toBe(2);
  });

  it("temporary_password mode returns a working password per person", async () => {
    const out = await w.core.invite(w.as(w.u.admin), { emails: [uniqueEmail("t"), uniqueEmail("t")], inviteMode: "temporary_password" });
    for (const r of out) {
      const row = (await w.reload(r.userId!))!;
      expect(row).toMatchObject({ status: "active", mustChangePassword: true });
      expect(await verifyPassword(row.passwordHash!, r.temporaryPassword!)).toBe(true);
    }
    expect(out[0]!.temporaryPassword).not.toBe(out[1]!.temporaryPassword);
  });

  it("email_link mode writes the outbox in the same transaction: if the audit write fails, no user and no mail", async () => {
    const email = uniqueEmail("atomic");
    await withTrigger(w, "fail_audit_inv", "audit_events", "before insert", "begin raise exception 'audit down'; end", async () => {
      await expect(w.core.invite(w.as(w.u.admin), { emails: [email] })).rejects.toThrow();
      await expect(w.core.create(w.as(w.u.admin), { email })).rejects.toThrow();
    });
    expect(await userByEmail(email)).toBeUndefined();
    expect(await outboxTo(email)).toEqual([]);
  });
});

describe("the life of an invitation link", () => {
  it("a preview does not consume it; accepting activates the user, once", async () => {
    const { user, token, email } = await invitedWithLink("manager");
    const preview = await w.core.previewInvitation(token);
    expect(preview).toMatchObject({ email, role: "manager", orgName: "Org A", inviter: "admin" });
    expect(await w.core.previewInvitation(token)).toEqual(preview);
    expect((await w.reload(user.id))!.status).toBe("invited");

    const mark = await auditMark(w);
    const dto = await accept(token, { name: "Newly Joined" }, w.core);
    expect(dto).toMatchObject({ id: user.id, status: "active", name: "Newly Joined", role: "manager", hasPassword: true });
    const row = (await w.reload(user.id))!;
    expect(await verifyPassword(row.passwordHash!, strong)).toBe(true);
    expect((await invitationsOf(user.id))[0]!.acceptedAt).toBeInstanceOf(Date);
    const events = await mark.since();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: "invitation.accepted", actorId: user.id, targetId: user.id });
    expect(events[0]!.changes).toEqual({ status: { old: "invited", new: "active" } });
    // The new member of staff can now work.
    expect((await w.core.list(w.as(row), {})).total).toBeGreaterThan(0);
    expect((await w.core.get(w.as(w.u.admin), user.id)).invitation).toMatchObject({ state: "accepted" });

    const reused = await expectCode(accept(token), "NOT_FOUND");
    expect(reused.message).toBe(INVALID_LINK);
    await expectCode(w.core.previewInvitation(token), "NOT_FOUND");
  });

  it("a refused password keeps the link alive", async () => {
    const { user, token } = await invitedWithLink();
    await expectCode(accept(token, { password: "iloveyou", passwordConfirmation: "iloveyou" }), "VALIDATION");
    await expectCode(accept(token, { password: "short", passwordConfirmation: "short" }), "VALIDATION");
    await expectCode(accept(token, { passwordConfirmation: "something else" }), "VALIDATION");
    expect((await w.reload(user.id))!.status).toBe("invited");
    await accept(token);
    expect((await w.reload(user.id))!.status).toBe("active");
  });

  describe("every dead link gets the same NOT_FOUND", () => {
    const messages = new Set<string>();
    const dead = async (token: string, core = w.core) => {
      messages.add((await expectCode(core.previewInvitation(token), "NOT_FOUND")).message);
      messages.add((await expectCode(accept(token, {}, core), "NOT_FOUND")).message);
    };

    it("expired", async () => {
      const { token, user } = await invitedWithLink();
      await dead(token, later(24 * 7 + 1));
      expect((await w.reload(user.id))!.status).toBe("invited");
      expect(await w.core.previewInvitation(token)).toBeDefined(); // still fine today
    });

    it("superseded by a resend", async () => {
      const { token, user } = await invitedWithLink();
      await w.core.resendInvitation(w.as(w.u.admin), user.id);
      await dead(token);
      const mail = await outboxTo(user.email);
      expect(mail).toHaveLength(1);
      const fresh = tokenOf(mail[0]!.payload.link as string);
      await accept(fresh);
      expect((await w.reload(user.id))!.status).toBe("active");
    });

    it("superseded by a copied link", async () => {
      const { token, user } = await invitedWithLink();
      const { invitationLink } = await w.core.copyInvitationLink(w.as(w.u.admin), user.id);
      await dead(token);
      expect(await w.core.previewInvitation(tokenOf(invitationLink))).toMatchObject({ email: user.email });
    });

    it("revoked", async () => {
      const { token, user } = await invitedWithLink();
      const dto = await w.core.revokeInvitation(w.as(w.u.admin), user.id);
      expect(dto).toMatchObject({ status: "invited", invitation: { state: "revoked" } });
      await dead(token);
    });

    it("for a deleted user", async () => {
      const { token, user } = await invitedWithLink();
      await w.core.delete(w.as(w.u.admin), user.id);
      await dead(token);
    });

    it("for a deactivated user (even after reactivation)", async () => {
      const { token, user } = await invitedWithLink();
      await w.core.deactivate(w.as(w.u.admin), user.id);
      await dead(token);
      await w.core.reactivate(w.as(w.u.admin), user.id);
      expect((await w.reload(user.id))!.status).toBe("invited");
      await dead(token);
    });

    it("unknown, malformed, or a reset link used as an invitation", async () => {
      for (const t of ["nope", "x".repeat(200), "'; drop table invitations; --"]) await dead(t);
      for (const t of ["", "x".repeat(201), 42, null, { token: "x" }]) {
        messages.add((await expectCode(w.core.previewInvitation(t), "NOT_FOUND")).message);
      }
      const member = await w.addUser(w.orgA, uniqueEmail("reset"), "member");
      const { link } = await w.core.resetPassword(w.as(w.u.admin), member.id, {});
      await dead(link!.split("/").pop()!);
    });

    it("...and it is one message", () => {
      expect([...messages]).toEqual([INVALID_LINK]);
    });
  });
});

describe("resend, revoke, copy link", () => {
  //                    target: admin manager auditor member
  const MANAGE: Record<"admin" | "manager" | "auditor" | "member", boolean[]> = {
    admin: [true, true, true, true],
    manager: [false, true, false, true],
    auditor: [false, false, false, false],
    member: [false, false, false, false],
  };
  const ROLES = ["admin", "manager", "auditor", "member"] as const;
  type Op = "resend" | "revoke" | "copy";
  const run = (op: Op, p: Principal, id: string) =>
    op === "resend"
      ? w.core.resendInvitation(p, id)
      : op === "revoke"
        ? w.core.revokeInvitation(p, id)
        : w.core.copyInvitationLink(p, id);
  const ACTION: Record<Op, string> = { resend: "invitation.resent", revoke: "invitation.revoked", copy: "invitation.link_copied" };

  for (const actorRole of ROLES) {
    ROLES.forEach((targetRole, col) => {
      const allowed = MANAGE[actorRole][col]!;
      for (const op of ["resend", "revoke", "copy"] as const) {
        it(`${actorRole} ${op}s the invitation of a ${targetRole}: ${allowed ? "allowed" : "FORBIDDEN, nothing changed"}`, async () => {
          const { user, token } = await invitedWithLink(targetRole);
          const actor = w.u[actorRole];
          const before = { row: await w.reload(user.id), invs: await invitationsOf(user.id) };
          const mark = await auditMark(w);
          if (!allowed) {
            await expectCode(run(op, w.as(actor), user.id), "FORBIDDEN");
            expect(await w.reload(user.id)).toEqual(before.row);
            expect(await invitationsOf(user.id)).toEqual(before.invs);
            expect(await outboxTo(user.email)).toEqual([]);
            expect(await w.core.previewInvitation(token)).toBeDefined();
            const events = await mark.since();
            expect(events).toHaveLength(1);
            expect(events[0]).toMatchObject({ outcome: "refused", action: ACTION[op], actorId: actor.id, targetId: user.id });
            return;
          }
          const res = await run(op, w.as(actor), user.id);
          await expectCode(w.core.previewInvitation(token), "NOT_FOUND"); // the old link is dead in every case
          const invs = await invitationsOf(user.id);
          const mail = await outboxTo(user.email);
          if (op === "revoke") {
            expect(invs.every((i) => i.revokedAt)).toBe(true);
            expect(mail).toEqual([]);
          } else {
            expect(invs).toHaveLength(2);
            expect(invs[0]!.revokedAt).toBeInstanceOf(Date);
            expect(invs[1]!.revokedAt).toBeNull();
            if (op === "resend") {
              expect(mail).toHaveLength(1);
              expect(invs[1]!.sentAt).toBeInstanceOf(Date);
              expect(res).not.toHaveProperty("invitationLink");
            } else {
              expect(mail).toEqual([]);
              expect(invs[1]!.sentAt).toBeNull();
              const link = (res as { invitationLink?: string }).invitationLink;
              expect(await w.core.previewInvitation(tokenOf(link))).toMatchObject({ email: user.email });
            }
          }
          const events = await mark.since();
          expect(events).toHaveLength(1);
          expect(events[0]).toMatchObject({ outcome: "success", action: ACTION[op], actorId: actor.id, targetId: user.id });
        });
      }
    });
  }

  it("only invited users have invitations to manage (CONFLICT); other orgs are NOT_FOUND", async () => {
    const gone = await w.addUser(w.orgA, uniqueEmail("gone"), "member", "deactivated");
    for (const op of ["resend", "revoke", "copy"] as const) {
      await expectCode(run(op, w.as(w.u.admin), w.u.member.id), "CONFLICT");
      await expectCode(run(op, w.as(w.u.admin), gone.id), "CONFLICT");
      await expectCode(run(op, w.as(w.u.admin), w.u.bMember.id), "NOT_FOUND");
      await expectCode(run(op, w.as(w.u.admin), w.u.bMember.email), "NOT_FOUND");
    }
  });

  it("a resend works after expiry, and the new link lasts a full term from then", async () => {
    const { user, token } = await invitedWithLink();
    const future = later(24 * 8);
    await dead(token, future);
    const { invitationLink } = await future.copyInvitationLink(w.as(w.u.admin), user.id);
    const fresh = tokenOf(invitationLink);
    expect(await future.previewInvitation(fresh)).toMatchObject({ email: user.email });
    const listed = await future.get(w.as(w.u.admin), user.id);
    expect(listed.invitation).toMatchObject({ state: "pending" });
    await accept(fresh, {}, future);
    expect((await w.reload(user.id))!.status).toBe("active");

    async function dead(t: string, core: typeof w.core) {
      await expectCode(core.previewInvitation(t), "NOT_FOUND");
    }
  });
});

describe("re-inviting", () => {
  it("the email of a deleted user can be invited again, as a fresh user", async () => {
    const { user, token, email } = await invitedWithLink();
    await accept(token);
    await w.core.delete(w.as(w.u.admin), user.id);
    const [again] = await w.core.invite(w.as(w.u.admin), { emails: [email.toUpperCase()], inviteMode: "none" });
    expect(again).toMatchObject({ outcome: "invited" });
    expect(again!.userId).not.toBe(user.id);
    expect(await w.reload(again!.userId!)).toMatchObject({ status: "invited", passwordHash: null });
    await expectCode(accept(token), "NOT_FOUND");
    await accept(tokenOf(again!.invitationLink));
    expect((await w.reload(again!.userId!))!.status).toBe("active");
  });

  it("a user deleted in another org frees the email for this one", async () => {
    const email = uniqueEmail("moved", "b.test");
    const b = await w.addUser(w.orgB, email, "member");
    await expectCode(w.core.create(w.as(w.u.admin), { email }), "CONFLICT");
    await w.core.delete(w.as(w.u.bAdmin), b.id);
    const { user } = await w.core.create(w.as(w.u.admin), { email });
    expect((await w.reload(user.id))!.orgId).toBe(w.orgA);
  });
});
