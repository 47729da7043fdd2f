// The password-reset link's door: no session, the token is the credential. It sets the new
// password once, ends the old sessions, and every bad link gets the one generic refusal.
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { verifyPassword } from "@/lib/security/passwords";
import { createWorld, TEST_PASSWORD, type World } from "@/lib/testing/fixtures";
import { INVALID_LINK } from "@/lib/users/invitations";

const state = vi.hoisted(() => ({ world: null as World | null }));
vi.mock("next/headers", () => ({ headers: async () => new Headers() }));
vi.mock("@/lib/users", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/users")>()),
  getUsersCore: async () => state.world!.core,
}));

const { completePasswordResetAction } = await import("./actions");

let w: World;
beforeAll(async () => {
  w = await createWorld();
  state.world = w;
});
afterAll(() => w?.close());

const fresh = "a brand new passphrase";

it("sets the new password once; the old one and the old sessions are gone; the link is then refused", async () => {
  const before = (await w.reload(w.u.member.id))!;
  const { link } = await w.core.resetPassword(w.as(w.u.admin), w.u.member.id, { mode: "email_link" });
  const token = link!.split("/").pop()!;
  // Not for an invitation's form: the kinds do not mix.
  expect(await w.core.previewInvitation(token).catch((e: Error) => e.message)).toBe(INVALID_LINK);
  expect(await completePasswordResetAction({ token, password: fresh, passwordConfirmation: fresh })).toEqual({
    ok: true, data: { email: "member@a.test" },
  });
  const after = (await w.reload(w.u.member.id))!;
  expect(await verifyPassword(after.passwordHash!, fresh)).toBe(true);
  expect(await verifyPassword(after.passwordHash!, TEST_PASSWORD)).toBe(false);
  expect(after.sessionVersion).toBeGreaterThan(before.sessionVersion);
  await expect(w.core.get(w.as(before), w.u.member.id)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  expect(await completePasswordResetAction({ token, password: fresh, passwordConfirmation: fresh })).toMatchObject({
    ok: false, error: { code: "NOT_FOUND", message: INVALID_LINK },
  });
});

it("an invitation's token, a bogus one, or a reset for a since-deactivated user: the same refusal", async () => {
  const { invitationLink } = await w.core.create(w.as(w.u.admin), { email: "reset-door@a.test", inviteMode: "none" });
  const target = await w.addUser(w.orgA, "reset-gone@a.test", "member");
  const { link } = await w.core.resetPassword(w.as(w.u.admin), target.id, { mode: "email_link" });
  await w.core.deactivate(w.as(w.u.admin), target.id);
  for (const token of [invitationLink!.split("/").pop()!, link!.split("/").pop()!, "bogus"]) {
    expect(await completePasswordResetAction({ token, password: fresh, passwordConfirmation: fresh })).toMatchObject({
      ok: false, error: { code: "NOT_FOUND", message: INVALID_LINK },
    });
  }
});
