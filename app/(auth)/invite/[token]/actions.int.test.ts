// The invitation link's door: no session, the token is the credential. A good token with a
// good password activates the account once; every bad link gets the one generic refusal, and
// a bad password lands on its field without using up the link (SECURITY.md 14, 15, 18).
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { auditEvents, users } from "@/lib/db/schema";
import { createWorld, type World } from "@/lib/testing/fixtures";
import { INVALID_LINK } from "@/lib/users/invitations";

const state = vi.hoisted(() => ({ world: null as World | null }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "user-agent": "door-test", "x-forwarded-for": "203.0.113.7" }) }));
vi.mock("@/lib/users", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/users")>()),
  getUsersCore: async () => state.world!.core,
}));

const { acceptInvitationAction } = await import("./actions");

let w: World;
beforeAll(async () => {
  w = await createWorld();
  state.world = w;
});
afterAll(() => w?.close());

const strong = "a strong new passphrase";
const refused = { ok: false, error: { code: "NOT_FOUND", message: INVALID_LINK } };

async function invite(email: string) {
  const { invitationLink, user } = await w.core.create(w.as(w.u.admin), { email, role: "manager", inviteMode: "none" });
  return { token: invitationLink!.split("/").pop()!, user };
}

describe("acceptInvitationAction", () => {
  it("redeems once: active, named, audited with the caller's address; the same link is then refused", async () => {
    const { token, user } = await invite("door-accept@a.test");
    const result = await acceptInvitationAction({ token, name: "Dora Door", password: strong, passwordConfirmation: strong });
    expect(result).toEqual({ ok: true, data: { email: "door-accept@a.test" } });
    const [row] = await w.database.db.select().from(users).where(eq(users.id, user.id));
    expect(row).toMatchObject({ status: "active", name: "Dora Door" });
    const [event] = await w.database.db.select().from(auditEvents).where(eq(auditEvents.action, "invitation.accepted"));
    expect(event).toMatchObject({ targetId: user.id, ip: "203.0.113.7", userAgent: "door-test" });
    expect(await acceptInvitationAction({ token, password: strong, passwordConfirmation: strong })).toMatchObject(refused);
  });

  it("a weak password or a mismatch lands on its field, and the link still works", async () => {
    const { token } = await invite("door-weak@a.test");
    expect(await acceptInvitationAction({ token, password: "password1", passwordConfirmation: "password1" })).toMatchObject({
      ok: false, error: { code: "VALIDATION", fields: { password: [expect.any(String)] } },
    });
    expect(await acceptInvitationAction({ token, password: strong, passwordConfirmation: "other" })).toMatchObject({
      ok: false, error: { code: "VALIDATION", fields: { passwordConfirmation: ["The passwords do not match"] } },
    });
    expect(await w.core.previewInvitation(token)).toMatchObject({ email: "door-weak@a.test" });
  });

  it("every dead or bogus link, a malformed one too, gets the same refusal", async () => {
    const revoked = await invite("door-revoked@a.test");
    await w.core.revokeInvitation(w.as(w.u.admin), revoked.user.id);
    const superseded = await invite("door-resent@a.test");
    await w.core.resendInvitation(w.as(w.u.admin), superseded.user.id);
    const deleted = await invite("door-deleted@a.test");
    await w.core.delete(w.as(w.u.admin), deleted.user.id);
    for (const token of [revoked.token, superseded.token, deleted.token, "no-such-token", "x".repeat(500), ""]) {
      expect(await acceptInvitationAction({ token, password: strong, passwordConfirmation: strong }), token.slice(0, 20)).toMatchObject(refused);
    }
    // Crafted payloads are refused by the strict schema and change nothing.
    const { token, user } = await invite("door-crafted@a.test");
    expect(await acceptInvitationAction({ token, password: strong, passwordConfirmation: strong, role: "admin" })).toMatchObject({ ok: false, error: { code: "VALIDATION" } });
    expect((await w.reload(user.id))!.status).toBe("invited");
  });
});
