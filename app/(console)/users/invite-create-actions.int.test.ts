// The invite and create actions at their door: the caller comes from the session (faked here),
// the real core runs on a test database. Every role × every granted role: allowed, or FORBIDDEN
// with nobody created (SECURITY.md 2, 3); crafted payloads refused (6); other orgs (5);
// case and whitespace variants never a second account (16).
import { eq, inArray } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { auditEvents, invitations, users } from "@/lib/db/schema";
import { type DoorState, setUpDoorWorld } from "@/lib/testing/doors";
import type { World } from "@/lib/testing/fixtures";
import { ROLES } from "@/lib/validation/enums";
import { emailKey } from "@/lib/validation/users";

const state = vi.hoisted((): DoorState => ({ principal: null, world: null }));
vi.mock("@/lib/auth/session", () => ({ currentPrincipal: async () => state.principal }));
vi.mock("@/lib/users", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/users")>()),
  getUsersCore: async () => state.world!.core,
}));

const actions = await import("./actions");

let w: World;
setUpDoorWorld(state, (world) => (w = world));

const as = (who: keyof World["u"]) => {
  state.principal = w.as(w.u[who]);
};
const byEmail = async (...emails: string[]) =>
  w.database.db.select().from(users).where(inArray(users.emailKey, emails.map(emailKey)));
const unique = (label: string) => `${label}-${Math.random().toString(36).slice(2, 8)}@a.test`;
const PASSWORD = "a long enough passphrase";

const GRANTS: Record<"admin" | "manager" | "auditor" | "member", readonly string[]> = {
  admin: ROLES,
  manager: ["member", "manager"],
  auditor: [],
  member: [],
};

describe("inviteUsersAction and createUserAction, for each caller and each role granted", () => {
  for (const caller of ["admin", "manager", "auditor", "member"] as const) {
    for (const role of ROLES) {
      const allowed = GRANTS[caller].includes(role);
      it(`${caller} invites a ${role}: ${allowed ? "invited" : "FORBIDDEN, nobody created"}`, async () => {
        const emails = [unique(`inv-${caller}-${role}`), unique(`inv2-${caller}-${role}`)];
        as(caller);
        const result = await actions.inviteUsersAction({ emails: emails.join("\n"), role, inviteMode: "none" });
        if (allowed) {
          expect(result, JSON.stringify(result)).toMatchObject({
            ok: true,
            data: emails.map((e) => ({ input: e, email: e, outcome: "invited", invitationLink: expect.stringContaining("/invite/") })),
          });
          const rows = await byEmail(...emails);
          expect(rows.map((r) => [r.role, r.status, r.orgId])).toEqual(emails.map(() => [role, "invited", w.orgA]));
        } else {
          expect(result).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
          expect(await byEmail(...emails)).toEqual([]);
        }
      });

      it(`${caller} creates a ${role}: ${allowed ? "created, active" : "FORBIDDEN, nobody created"}`, async () => {
        const email = unique(`new-${caller}-${role}`);
        as(caller);
        const result = await actions.createUserAction({ email, name: "New Person", role, password: PASSWORD, passwordConfirmation: PASSWORD, login: "newp", isDeveloper: true });
        if (allowed) {
          expect(result, JSON.stringify(result)).toMatchObject({ ok: true, data: { user: { email, role, status: "active", isDeveloper: true, login: "newp" } } });
          expect(JSON.stringify(result)).not.toMatch(/passwordHash|argon2/);
        } else {
          expect(result).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
          expect(await byEmail(email)).toEqual([]);
        }
      });
    }
  }

  it("a refused invitation is audited as refused", async () => {
    const email = unique("refused-audit");
    as("manager");
    expect(await actions.inviteUsersAction({ emails: email, role: "admin" })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    const events = await w.database.db.select().from(auditEvents).where(eq(auditEvents.actorId, w.u.manager.id));
    expect(events.some((e) => e.action === "user.invited" && e.outcome === "refused" && JSON.stringify(e.changes).includes("FORBIDDEN"))).toBe(true);
  });
});

describe("the per-email report of an invitation", () => {
  it("one outcome per pasted email, in input order: invited, duplicate (case and whitespace), invalid, already a user", async () => {
    const fresh = unique("report");
    as("manager");
    const pasted = `${fresh}, ${fresh.toUpperCase()} ;not-an-email\n  MEMBER@a.test  ,member@b.test ${fresh}`;
    const result = await actions.inviteUsersAction({ emails: pasted, role: "member" });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data.map((r) => [r.input, r.outcome, r.code ?? null])).toEqual([
      [fresh, "invited", null],
      [fresh.toUpperCase(), "skipped", "DUPLICATE"],
      ["not-an-email", "failed", "VALIDATION"],
      ["MEMBER@a.test", "skipped", "CONFLICT"],
      // Another organization's user: the email is taken, and nothing else is said about them.
      ["member@b.test", "skipped", "CONFLICT"],
      [fresh, "skipped", "DUPLICATE"],
    ]);
    expect(JSON.stringify(result.data[4])).not.toMatch(new RegExp(w.orgB));
    expect(await byEmail(fresh)).toHaveLength(1);
    const [bMember] = await byEmail("member@b.test");
    expect(bMember).toMatchObject({ orgId: w.orgB, role: "member", status: "active" });
    // Email-link mode: the invitation is queued for sending, and no link or password leaves.
    expect(result.data[0]).not.toHaveProperty("invitationLink");
    expect(result.data[0]).not.toHaveProperty("temporaryPassword");
  });

  it("temporary-password mode answers each new account's password once; they must change it", async () => {
    const [a, b] = [unique("temp-a"), unique("temp-b")];
    as("admin");
    const result = await actions.inviteUsersAction({ emails: [a, b], role: "auditor", inviteMode: "temporary_password" });
    expect(result).toMatchObject({ ok: true, data: [{ outcome: "invited", temporaryPassword: expect.stringMatching(/^\S{16}$/) }, { outcome: "invited", temporaryPassword: expect.any(String) }] });
    const rows = await byEmail(a, b);
    expect(rows.every((r) => r.status === "active" && r.mustChangePassword && r.passwordHash)).toBe(true);
  });

  it("an empty paste or more than 1,000 addresses is VALIDATION on the emails field, nothing created", async () => {
    as("admin");
    expect(await actions.inviteUsersAction({ emails: " ,; \n", role: "member" })).toMatchObject({ ok: false, error: { code: "VALIDATION", fields: { emails: [expect.any(String)] } } });
    const many = Array.from({ length: 1001 }, (_, i) => `bulk-${i}-too-many@a.test`);
    expect(await actions.inviteUsersAction({ emails: many, role: "member" })).toMatchObject({ ok: false, error: { code: "VALIDATION" } });
    expect(await byEmail(many[0]!)).toEqual([]);
  });
});

describe("create: errors that land on a field", () => {
  it("an email taken in any case or with spaces is CONFLICT on the email field, never a second account (SECURITY 16)", async () => {
    as("admin");
    for (const email of [" Member@A.test ", "MEMBER@b.TEST"]) {
      const result = await actions.createUserAction({ email, role: "member", password: PASSWORD, passwordConfirmation: PASSWORD });
      expect(result).toMatchObject({ ok: false, error: { code: "CONFLICT", fields: { email: [expect.stringMatching(/already has an account/)] } } });
    }
    expect(await byEmail("member@a.test", "member@b.test")).toHaveLength(2);
  });

  it("a look-alike email with a Cyrillic letter is VALIDATION on the email field", async () => {
    as("admin");
    const result = await actions.createUserAction({ email: "mеmber@a.test", role: "member", password: PASSWORD, passwordConfirmation: PASSWORD });
    expect(result).toMatchObject({ ok: false, error: { code: "VALIDATION", fields: { email: [expect.any(String)] } } });
  });

  it("the password policy and the confirmation answer on their fields, nothing created", async () => {
    as("admin");
    const email = unique("policy");
    const cases: [Record<string, unknown>, string][] = [
      [{ password: "short", passwordConfirmation: "short" }, "password"],
      [{ password: "password123", passwordConfirmation: "password123" }, "password"], // common
      [{ password: email, passwordConfirmation: email }, "password"], // the email itself
      [{ password: PASSWORD, passwordConfirmation: `${PASSWORD}!` }, "passwordConfirmation"],
    ];
    for (const [pw, field] of cases) {
      const result = await actions.createUserAction({ email, role: "member", ...pw });
      expect(result, JSON.stringify(pw)).toMatchObject({ ok: false, error: { code: "VALIDATION", fields: { [field]: [expect.any(String)] } } });
    }
    expect(await byEmail(email)).toEqual([]);
  });
});

describe("crafted payloads (SECURITY 6)", () => {
  it("extra fields in a create are refused by the strict schema, nothing created", async () => {
    as("admin");
    const email = unique("crafted-create");
    const result = await actions.createUserAction({
      email, role: "member", password: PASSWORD, passwordConfirmation: PASSWORD,
      orgId: w.orgB, passwordHash: "x", status: "deactivated", sessionVersion: 9,
    });
    expect(result).toMatchObject({ ok: false, error: { code: "VALIDATION" } });
    expect(JSON.stringify(result)).toMatch(/orgId|passwordHash|status|sessionVersion/);
    expect(await byEmail(email)).toEqual([]);
  });

  it("extra fields in an invitation are refused, nothing created", async () => {
    as("manager");
    const email = unique("crafted-invite");
    for (const extra of [{ orgId: w.orgB }, { status: "active" }, { passwordHash: "x" }, { invitedBy: w.u.bAdmin.id }]) {
      const result = await actions.inviteUsersAction({ emails: email, role: "member", ...extra });
      expect(result).toMatchObject({ ok: false, error: { code: "VALIDATION" } });
    }
    expect(await byEmail(email)).toEqual([]);
  });

  it("a password together with an invitation mode is refused", async () => {
    as("admin");
    const email = unique("crafted-mode");
    const result = await actions.createUserAction({ email, password: PASSWORD, passwordConfirmation: PASSWORD, inviteMode: "none" });
    expect(result).toMatchObject({ ok: false, error: { code: "VALIDATION", fields: { inviteMode: [expect.any(String)] } } });
    expect(await byEmail(email)).toEqual([]);
  });

  it("a manager cannot slip an admin in through a role's case or an array (strict enum)", async () => {
    as("manager");
    const email = unique("crafted-role");
    for (const role of ["Admin", "ADMIN", ["admin"], " admin"]) {
      expect(await actions.createUserAction({ email, role, password: PASSWORD, passwordConfirmation: PASSWORD })).toMatchObject({ ok: false, error: { code: "VALIDATION" } });
      expect(await actions.inviteUsersAction({ emails: email, role })).toMatchObject({ ok: false, error: { code: "VALIDATION" } });
    }
    expect(await byEmail(email)).toEqual([]);
  });
});

describe("resend and revoke from the row menu", () => {
  const invitee = async (orgId: string, role: "member" | "manager" | "admin" = "member") => {
    const u = await w.addUser(orgId, unique(`row-${role}`), role, "invited");
    state.principal = w.as(orgId === w.orgA ? w.u.admin : w.u.bAdmin);
    expect((await actions.copyInvitationLinkAction(u.id)).ok).toBe(true);
    return u;
  };
  const pending = async (userId: string) =>
    (await w.database.db.select().from(invitations).where(eq(invitations.userId, userId))).filter((i) => !i.revokedAt && !i.acceptedAt);

  it("another org's invitee is NOT_FOUND for resend and revoke, by id or email (SECURITY 5)", async () => {
    const other = await invitee(w.orgB);
    const before = await pending(other.id);
    as("admin");
    for (const call of [
      actions.resendInvitationAction(other.id),
      actions.revokeInvitationAction(other.id),
      actions.resendInvitationAction(other.email),
      actions.revokeInvitationAction(other.email.toUpperCase()),
    ]) {
      expect(await call).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    }
    expect(await pending(other.id)).toEqual(before);
  });

  it("a manager cannot resend or revoke an admin's invitation; nothing changes", async () => {
    const target = await invitee(w.orgA, "admin");
    const before = await pending(target.id);
    as("manager");
    expect(await actions.resendInvitationAction(target.id)).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect(await actions.revokeInvitationAction(target.id)).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect(await pending(target.id)).toEqual(before);
  });

  it("a manager resends then revokes a member's invitation; a revoked invitation leaves none pending", async () => {
    const target = await invitee(w.orgA, "member");
    as("manager");
    expect(await actions.resendInvitationAction(target.id)).toMatchObject({ ok: true, data: { user: { invitation: { state: "pending" } } } });
    expect(await pending(target.id)).toHaveLength(1);
    expect(await actions.revokeInvitationAction(target.id)).toMatchObject({ ok: true, data: { invitation: { state: "revoked" } } });
    expect(await pending(target.id)).toEqual([]);
  });
});
