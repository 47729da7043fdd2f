import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "../db/schema";
import { createWorld, TEST_PASSWORD, type World } from "../testing/fixtures";
import { apiKeyPrincipal, auditMark, expectCode } from "../testing/helpers";

let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(() => w?.close());

describe("authenticate", () => {
  it("signs in an active user by email in any case and spacing, and records it", async () => {
    const mark = await auditMark(w);
    const who = await w.core.authenticate({ email: "  MANAGER@A.test ", password: TEST_PASSWORD }, { ip: "10.0.0.1" });
    expect(who).toMatchObject({ userId: w.u.manager.id, orgId: w.orgA, role: "manager", mustChangePassword: false });
    expect(who).not.toHaveProperty("passwordHash");
    expect((await w.reload(w.u.manager.id))!.lastLoginAt).toBeInstanceOf(Date);
    const events = await mark.since();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: "auth.sign_in", outcome: "success", ip: "10.0.0.1" });
  });

  it("gives the same answer for an unknown email, a wrong password and an account that cannot sign in", async () => {
    const answers = await Promise.all([
      w.core.authenticate({ email: "nobody@a.test", password: TEST_PASSWORD }),
      w.core.authenticate({ email: "manager@a.test", password: "wrong password!" }),
      w.core.authenticate({ email: "gone@a.test", password: TEST_PASSWORD }),
      w.core.authenticate({ email: "invited@a.test", password: TEST_PASSWORD }),
      w.core.authenticate({ email: 42, password: null }),
    ]);
    expect(answers).toEqual([null, null, null, null, null]);
  });

  it("audits a failed sign-in of a known account as refused, with the reason", async () => {
    const mark = await auditMark(w);
    await w.core.authenticate({ email: "gone@a.test", password: TEST_PASSWORD });
    const [e] = await mark.since();
    expect(e).toMatchObject({ action: "auth.sign_in", outcome: "refused", targetId: w.u.deactivated.id });
    expect(e!.changes).toEqual({ reason: "account deactivated" });
  });
});

describe("sessionUser", () => {
  it("answers for a live session and null once its version is bumped or the user deactivated", async () => {
    const member = await w.addUser(w.orgA, "session-check@a.test", "member");
    const claims = { userId: member.id, orgId: w.orgA, sessionVersion: member.sessionVersion };
    expect(await w.core.sessionUser(claims)).toMatchObject({ email: "session-check@a.test", orgName: "Org A" });
    await w.core.endSessions(w.as(w.u.admin), member.id);
    expect(await w.core.sessionUser(claims)).toBeNull();
    const fresh = (await w.reload(member.id))!;
    await w.core.deactivate(w.as(w.u.admin), member.id);
    expect(await w.core.sessionUser({ ...claims, sessionVersion: fresh.sessionVersion })).toBeNull();
    expect(await w.core.sessionUser({ ...claims, orgId: w.orgB })).toBeNull();
  });
});

describe("callers the core refuses before anything runs", () => {
  it("a session principal without a session version is UNAUTHENTICATED", async () => {
    const bare = { ...w.as(w.u.admin), sessionVersion: undefined };
    await expectCode(w.core.list(bare, {}), "UNAUTHENTICATED");
    await expectCode(w.core.deactivate(bare, w.u.member.id), "UNAUTHENTICATED");
    expect((await w.reload(w.u.member.id))!.status).toBe("active");
  });

  it("an API key cannot change its owner's password", async () => {
    const key = await apiKeyPrincipal(w, w.u.admin, ["users:read", "users:write"]);
    await expectCode(
      w.core.changeOwnPassword(key, { currentPassword: TEST_PASSWORD, password: "a new long passphrase", passwordConfirmation: "a new long passphrase" }),
      "FORBIDDEN",
    );
  });

  it("a crafted payload (extra fields) is VALIDATION, changes nothing, and leaves one refused audit event", async () => {
    const mark = await auditMark(w);
    const before = (await w.reload(w.u.member.id))!;
    await expectCode(
      w.core.update(w.as(w.u.admin), w.u.member.id, { name: "x", orgId: w.orgB, passwordHash: "x", status: "active", sessionVersion: 99 }),
      "VALIDATION",
    );
    const after = (await w.database.db.select().from(users).where(eq(users.id, w.u.member.id)))[0]!;
    expect(after).toEqual(before);
    const events = await mark.since();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: "user.updated", outcome: "refused", targetId: w.u.member.id });
    expect((events[0]!.changes as { code: string }).code).toBe("VALIDATION");
  });

  it("a crafted payload from an ended session is UNAUTHENTICATED and audits nothing", async () => {
    const mark = await auditMark(w);
    const stale = w.as(w.u.admin, { sessionVersion: w.u.admin.sessionVersion + 100 });
    await expectCode(w.core.update(stale, w.u.member.id, { orgId: w.orgB }), "UNAUTHENTICATED");
    expect(await mark.since()).toHaveLength(0);
  });
});

describe("authenticateExternal (OIDC)", () => {
  it("lets in an existing active account by its verified email, and audits the provider", async () => {
    const mark = await auditMark(w);
    const who = await w.core.authenticateExternal({ email: "AUDITOR@a.test", emailVerified: true, provider: "oidc" });
    expect(who).toMatchObject({ userId: w.u.auditor.id, role: "auditor", mustChangePassword: false });
    const [e] = await mark.since();
    expect(e).toMatchObject({ action: "auth.sign_in", outcome: "success", changes: { provider: "oidc" } });
  });

  it("creates nobody and refuses unverified, unknown, invited and deactivated accounts", async () => {
    expect(await w.core.authenticateExternal({ email: "auditor@a.test", emailVerified: false, provider: "oidc" })).toBeNull();
    expect(await w.core.authenticateExternal({ email: "stranger@a.test", provider: "oidc" })).toBeNull();
    expect(await w.core.authenticateExternal({ email: "invited@a.test", provider: "oidc" })).toBeNull();
    expect(await w.core.authenticateExternal({ email: "gone@a.test", provider: "oidc" })).toBeNull();
    expect(await w.core.authenticateExternal({ email: 7, provider: "oidc" })).toBeNull();
    const rows = await w.database.db.select().from(users).where(eq(users.emailKey, "stranger@a.test"));
    expect(rows).toHaveLength(0);
  });
});
