// The users page's server actions at their door: the caller comes from the session (faked
// here), the real core runs on a test database. Each action, for each role: allowed, or
// FORBIDDEN with nothing changed; crafted payloads refused (SECURITY.md 1, 3, 5, 6).
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { users } from "@/lib/db/schema";
import { type DoorState, setUpDoorWorld } from "@/lib/testing/doors";
import type { World } from "@/lib/testing/fixtures";

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
const row = async (id: string) => (await w.database.db.select().from(users).where(eq(users.id, id)))[0]!;

type Case = { name: string; call: (id: string) => Promise<{ ok: boolean; error?: { code: string } }>; allowed: string[]; target: "member" | "invited" };
const cases: Case[] = [
  { name: "updateUserAction", call: (id) => actions.updateUserAction(id, { company: "Door Co" }), allowed: ["admin", "manager"], target: "member" },
  { name: "changeRoleAction", call: (id) => actions.changeRoleAction(id, { role: "manager" }), allowed: ["admin"], target: "member" },
  { name: "endSessionsAction", call: (id) => actions.endSessionsAction(id), allowed: ["admin"], target: "member" },
  { name: "resetPasswordAction", call: (id) => actions.resetPasswordAction(id, { mode: "temporary_password" }), allowed: ["admin"], target: "member" },
  { name: "resetPasswordAction (email link)", call: (id) => actions.resetPasswordAction(id, { mode: "email_link" }), allowed: ["admin"], target: "member" },
  { name: "deactivateUserAction", call: (id) => actions.deactivateUserAction(id), allowed: ["admin"], target: "member" },
  { name: "resendInvitationAction", call: (id) => actions.resendInvitationAction(id), allowed: ["admin", "manager"], target: "invited" },
  { name: "copyInvitationLinkAction", call: (id) => actions.copyInvitationLinkAction(id), allowed: ["admin", "manager"], target: "invited" },
  { name: "revokeInvitationAction", call: (id) => actions.revokeInvitationAction(id), allowed: ["admin", "manager"], target: "invited" },
  { name: "deleteUserAction", call: (id) => actions.deleteUserAction(id), allowed: ["admin"], target: "member" },
];

describe("each users action, for each role", () => {
  for (const c of cases) {
    for (const role of ["admin", "manager", "auditor", "member"] as const) {
      const allowed = c.allowed.includes(role);
      it(`${c.name} as ${role}: ${allowed ? "allowed" : "FORBIDDEN, nothing changed"}`, async () => {
        const target = await w.addUser(w.orgA, `${c.name}-${role}-${Math.random().toString(36).slice(2)}@a.test`, "member", c.target === "invited" ? "invited" : "active");
        if (c.target === "invited") {
          state.principal = w.as(w.u.admin);
          expect((await actions.copyInvitationLinkAction(target.id)).ok).toBe(true); // give it a live invitation
        }
        const before = await row(target.id);
        as(role);
        const result = await c.call(target.id);
        if (allowed) {
          expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
        } else {
          expect(result).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
          expect(await row(target.id)).toEqual(before);
        }
      });
    }
  }

  it("reactivateUserAction: admins only", async () => {
    const target = await w.addUser(w.orgA, "door-reactivate@a.test", "member", "deactivated");
    as("manager");
    expect(await actions.reactivateUserAction(target.id)).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect((await row(target.id)).status).toBe("deactivated");
    as("admin");
    expect(await actions.reactivateUserAction(target.id)).toMatchObject({ ok: true, data: { status: "active" } });
  });
});

describe("crafted calls at the door", () => {
  it("a manager sending role: admin is FORBIDDEN (SECURITY 1)", async () => {
    const target = await w.addUser(w.orgA, "door-crafted-role@a.test", "member");
    as("manager");
    expect(await actions.changeRoleAction(target.id, { role: "admin" })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect((await row(target.id)).role).toBe("member");
  });

  it("an auditor's mutations are FORBIDDEN, reads keep working (SECURITY 3)", async () => {
    as("auditor");
    expect(await actions.deleteUserAction(w.u.member.id)).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect((await w.core.get(w.as(w.u.auditor), w.u.member.id)).id).toBe(w.u.member.id);
  });

  it("another org's user is NOT_FOUND, never FORBIDDEN (SECURITY 5)", async () => {
    as("admin");
    for (const call of [
      actions.deleteUserAction(w.u.bMember.id),
      actions.changeRoleAction(w.u.bMember.id, { role: "manager" }),
      actions.updateUserAction("member@b.test", { name: "x" }),
    ]) {
      expect(await call).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    }
    expect((await row(w.u.bMember.id)).role).toBe("member");
  });

  it("extra fields are refused by the strict schemas (SECURITY 6)", async () => {
    const target = await w.addUser(w.orgA, "door-crafted-fields@a.test", "member");
    const before = await row(target.id);
    as("admin");
    const result = await actions.updateUserAction(target.id, { name: "x", orgId: w.orgB, passwordHash: "x", status: "deactivated", sessionVersion: 9 });
    expect(result).toMatchObject({ ok: false, error: { code: "VALIDATION" } });
    expect(JSON.stringify(result)).toMatch(/orgId|passwordHash|status|sessionVersion/);
    expect(await row(target.id)).toEqual(before);
  });

  it("a session with a temporary password: every action FORBIDDEN, nothing changed (SECURITY 12)", async () => {
    const admin = await w.addUser(w.orgA, "temp-admin@a.test", "admin", "active", { mustChangePassword: true });
    state.principal = w.as(admin);
    const target = await w.addUser(w.orgA, "temp-target@a.test");
    for (const c of cases) {
      const r = await c.call(c.target === "invited" ? w.u.invited.id : target.id);
      expect(r.ok, c.name).toBe(false);
      expect(r.error?.code, c.name).toBe("FORBIDDEN");
    }
    expect(await row(target.id)).toEqual(target);
  });

  it("errors carry a request id and never a stack or a database message", async () => {
    as("admin");
    const result = await actions.changeRoleAction(w.u.admin.id, { role: "member" });
    expect(result).toMatchObject({ ok: false, error: { code: "SELF_ACTION" } });
    if (!result.ok) expect(result.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
