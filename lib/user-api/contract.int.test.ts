// The user API contract: the SAME cases run against both transports, in-process (the core) and
// HTTP (the real /api/v1 route handlers behind a real socket, reached with actor tokens). Both
// must answer the same DTOs and refuse with the same code, message and fields; a bad, expired or
// forged token, and a deactivated person's or ended session's token, are UNAUTHENTICATED.
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { users, type UserRow } from "@/lib/db/schema";
import { createWorld, type World } from "@/lib/testing/fixtures";
import { routesFromGlob, startRouteServer, type RouteServer } from "@/lib/testing/route-server";
import { streamBytes, utf8 } from "@/lib/testing/csv";
import type { Principal } from "@/lib/users/types";

const state = vi.hoisted(() => {
  process.env.USER_API_SECRET = "contract-test-secret-".padEnd(48, "x");
  return { world: null as import("@/lib/testing/fixtures").World | null };
});
vi.mock("@/lib/users", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/users")>()),
  getUsersCore: async () => state.world!.core,
}));

const { httpUserApi, inProcessUserApi } = await import("@/lib/user-api");
const { signActorToken, ACTOR_TOKEN_AUDIENCE, ACTOR_TOKEN_ISSUER } = await import("@/lib/auth/actor-token");
type UserApi = import("@/lib/user-api").UserApi;

let w: World;
let server: RouteServer;
const apis: Record<"in-process" | "http", UserApi> = {} as never;

beforeAll(async () => {
  w = await createWorld();
  state.world = w;
  server = await startRouteServer(routesFromGlob(import.meta.glob("/app/api/v1/**/route.ts")));
  apis["in-process"] = inProcessUserApi(async () => w.core);
  apis.http = httpUserApi({ baseUrl: server.url });
});
afterAll(async () => {
  await server?.close();
  await w?.close();
});

/** What each transport refused with, per case, to compare at the end. */
const refusals: Record<string, Record<string, unknown>> = { "in-process": {}, http: {} };

async function refusal(name: string, transport: string, call: Promise<unknown>) {
  const err = (await call.then(
    (v) => ({ unexpected: v }),
    (e: unknown) => e,
  )) as { code?: string; message?: string; fields?: unknown; unexpected?: unknown };
  expect(err.unexpected, `${name} should have been refused`).toBeUndefined();
  expect(err.constructor.name).toBe("RosterError");
  const body = { code: err.code, message: err.message, fields: err.fields };
  refusals[transport]![name] = body;
  return body;
}

let seq = 0;
const unique = (tag: string) => `${tag}-${Date.now().toString(36)}-${seq++}`;

for (const transport of ["in-process", "http"] as const) {
  describe(`UserApi over ${transport}`, () => {
    const api = () => apis[transport];
    const as = (u: UserRow, extra?: Partial<Principal>) => w.as(u, extra);

    it("lists with a search, status and role filters, sort and keyset paging", async () => {
      const tag = unique(`list-${transport}`);
      for (const n of ["a", "b", "c"]) await w.addUser(w.orgA, `${tag}-${n}@a.test`, "member");
      await w.addUser(w.orgA, `${tag}-d@a.test`, "manager");
      await w.addUser(w.orgA, `${tag}-e@a.test`, "member", "deactivated");

      const page1 = await api().list(as(w.u.auditor), { q: tag, role: ["member"], status: "active", sort: "email", limit: 2 });
      expect(page1.data.map((u) => u.email)).toEqual([`${tag}-a@a.test`, `${tag}-b@a.test`]);
      expect(page1).toMatchObject({ total: 3, totalExact: true, prevCursor: null });
      expect(page1.nextCursor).toEqual(expect.any(String));
      const page2 = await api().list(as(w.u.auditor), { q: tag, role: ["member"], status: "active", sort: "email", limit: 2, cursor: page1.nextCursor! });
      expect(page2.data.map((u) => u.email)).toEqual([`${tag}-c@a.test`]);
      expect(page2.nextCursor).toBeNull();
      const desc = await api().list(as(w.u.manager), { q: tag, sort: "-email", limit: "100" });
      expect(desc.data.map((u) => u.email)).toEqual(["e", "d", "c", "b", "a"].map((n) => `${tag}-${n}@a.test`));
      // DTOs only: no hash, token or session version ever leaves.
      expect(Object.keys(desc.data[0]!)).not.toEqual(expect.arrayContaining(["passwordHash", "sessionVersion"]));
      // Another org's users never show.
      expect((await api().list(as(w.u.admin), { q: "b.test" })).data).toEqual([]);
    });

    it("refuses a bad list query with VALIDATION naming the fields", async () => {
      const e = await refusal("list-validation", transport, api().list(as(w.u.admin), { sort: "name;DROP TABLE users", status: "sleeping" }));
      expect(e.code).toBe("VALIDATION");
      expect(Object.keys(e.fields as object).sort()).toEqual(["sort", "status.0"]);
      expect((await refusal("list-cursor", transport, api().list(as(w.u.admin), { cursor: "garbage" }))).code).toBe("VALIDATION");
    });

    it("gets one user by id and by email (any case); another org's is NOT_FOUND", async () => {
      const byId = await api().get(as(w.u.manager), w.u.member.id);
      expect(byId).toMatchObject({ id: w.u.member.id, email: "member@a.test", role: "member", isLastActiveAdmin: false });
      const byEmail = await api().get(as(w.u.manager), " Member@A.test ");
      expect(byEmail.id).toBe(w.u.member.id);
      expect(await refusal("get-other-org-id", transport, api().get(as(w.u.admin), w.u.bMember.id))).toMatchObject({ code: "NOT_FOUND" });
      expect(await refusal("get-other-org-email", transport, api().get(as(w.u.admin), "member@b.test"))).toMatchObject({ code: "NOT_FOUND" });
      expect((await refusal("get-empty", transport, api().get(as(w.u.admin), "  "))).code).toBe("VALIDATION");
    });

    it("stats and the timeline", async () => {
      const stats = await api().stats(as(w.u.auditor));
      expect(stats.exact).toBe(true);
      expect(stats.byRole.admin).toBeGreaterThanOrEqual(2);
      expect(stats.total).toBe(Object.values(stats.byStatus).reduce((a, b) => a + b, 0));
      const target = await w.addUser(w.orgA, `${unique("tl")}@a.test`);
      await api().update(as(w.u.admin), target.id, { company: "Timeline Co" });
      const timeline = await api().timeline(as(w.u.auditor), target.email, { limit: 5 });
      expect(timeline[0]).toMatchObject({ action: "user.updated", actorEmail: "admin@a.test", targetId: target.id });
      expect(await refusal("timeline-manager", transport, api().timeline(as(w.u.manager), target.id))).toMatchObject({ code: "FORBIDDEN" });
    });

    it("creates (link handed over) and invites many (one outcome per email, in order)", async () => {
      const email = `${unique("new")}@a.test`;
      const created = await api().create(as(w.u.manager), { email, name: "New Person", role: "member", inviteMode: "none" });
      expect(created.user).toMatchObject({ email, status: "invited", role: "member" });
      expect(created.invitationLink).toMatch(/^http:\/\/roster\.test\//);
      expect(await refusal("create-taken", transport, api().create(as(w.u.admin), { email: email.toUpperCase(), name: "Again", role: "member" }))).toMatchObject({ code: "CONFLICT" });

      const [x, y] = [`${unique("inv")}@a.test`, `${unique("inv")}@a.test`];
      const outcomes = await api().invite(as(w.u.admin), { emails: [x, "not an email", x, "member@a.test", y], role: "auditor", inviteMode: "none" });
      expect(outcomes.map((o) => [o.input, o.outcome, o.code])).toEqual([
        [x, "invited", undefined],
        ["not an email", "failed", "VALIDATION"],
        [x, "skipped", "DUPLICATE"],
        ["member@a.test", "skipped", "CONFLICT"],
        [y, "invited", undefined],
      ]);
      expect(outcomes[0]!.invitationLink).toEqual(expect.any(String));
    });

    it("refuses a manager above their role, an auditor's mutation, and a crafted payload, with the same errors", async () => {
      expect(await refusal("create-above-role", transport, api().create(as(w.u.manager), { email: `${unique("x")}@a.test`, name: "X", role: "admin" }))).toMatchObject({ code: "FORBIDDEN" });
      expect(await refusal("invite-auditor", transport, api().invite(as(w.u.auditor), { emails: [`${unique("x")}@a.test`], role: "member" }))).toMatchObject({ code: "FORBIDDEN" });
      const v = await refusal("create-validation", transport, api().create(as(w.u.admin), { email: "nope", name: "", role: "owner", orgId: w.orgB, passwordHash: "x" }));
      expect(v.code).toBe("VALIDATION");
      expect(Object.keys(v.fields as object)).toEqual(expect.arrayContaining(["email", "role", "_"]));
      // A profile edit carrying a role, a role change carrying profile fields, a create carrying
      // an invitation's emails, an id that is not a string: each refused as the core refuses it.
      expect(await refusal("update-with-role", transport, api().update(as(w.u.admin), w.u.member.id, { company: "X", role: "admin" }))).toMatchObject({ code: "VALIDATION" });
      expect(await refusal("role-with-profile", transport, api().changeRole(as(w.u.admin), w.u.member.id, { role: "manager", company: "X" }))).toMatchObject({ code: "VALIDATION" });
      expect(await refusal("create-with-emails", transport, api().create(as(w.u.admin), { emails: ["x@a.test"], role: "member" }))).toMatchObject({ code: "VALIDATION" });
      expect(await refusal("delete-non-string", transport, api().delete(as(w.u.admin), 42))).toMatchObject({ code: "VALIDATION" });
      expect(await refusal("bulk-no-body", transport, api().bulkDelete(as(w.u.admin), undefined))).toMatchObject({ code: "VALIDATION" });
      expect(await refusal("deactivate-empty-ref", transport, api().deactivate(as(w.u.admin), ""))).toMatchObject({ code: "VALIDATION" });
      expect((await w.reload(w.u.member.id))!).toMatchObject({ role: "member", company: null });
    });

    it("changes a role; the invariants refuse with LAST_ADMIN and SELF_ACTION", async () => {
      const target = await w.addUser(w.orgA, `${unique("role")}@a.test`);
      const changed = await api().changeRole(as(w.u.admin), target.id, { role: "manager" });
      expect(changed).toMatchObject({ id: target.id, role: "manager" });
      expect((await w.reload(target.id))!.role).toBe("manager");
      expect(await refusal("role-by-manager", transport, api().changeRole(as(w.u.manager), target.id, { role: "member" }))).toMatchObject({ code: "FORBIDDEN" });
      expect(await refusal("role-self", transport, api().changeRole(as(w.u.admin), w.u.admin.id, { role: "member" }))).toMatchObject({ code: "SELF_ACTION" });
      expect(await refusal("role-last-admin", transport, api().changeRole(as(w.u.bAdmin), w.u.bAdmin.id, { role: "member" }))).toMatchObject({ code: "LAST_ADMIN" });
      expect(await refusal("role-other-org", transport, api().changeRole(as(w.u.admin), w.u.bMember.id, { role: "manager" }))).toMatchObject({ code: "NOT_FOUND" });
      expect(await refusal("role-stale", transport, api().changeRole(as(w.u.admin), target.id, { role: "member", expectedVersion: 1 }))).toMatchObject({ code: "CONFLICT" });
      expect((await w.reload(target.id))!.role).toBe("manager");
    });

    it("the lifecycle: update, deactivate, reactivate, reset, set password, end sessions, delete", async () => {
      const t = await w.addUser(w.orgA, `${unique("life")}@a.test`);
      expect(await api().update(as(w.u.manager), t.id, { company: "Acme" })).toMatchObject({ company: "Acme" });
      expect(await api().deactivate(as(w.u.admin), t.id)).toMatchObject({ status: "deactivated" });
      expect(await api().reactivate(as(w.u.admin), t.email)).toMatchObject({ status: "active" });
      const reset = await api().resetPassword(as(w.u.admin), t.id, { mode: "temporary_password" });
      expect(reset.temporaryPassword).toEqual(expect.any(String));
      expect(await api().setPassword(as(w.u.admin), t.id, { password: "a much better passphrase", passwordConfirmation: "a much better passphrase" })).toMatchObject({ id: t.id });
      const before = (await w.reload(t.id))!.sessionVersion;
      await api().endSessions(as(w.u.admin), t.id);
      expect((await w.reload(t.id))!.sessionVersion).toBe(before + 1);
      expect(await refusal("deactivate-self", transport, api().deactivate(as(w.u.admin), w.u.admin.id))).toMatchObject({ code: "SELF_ACTION" });
      expect(await api().delete(as(w.u.admin), t.id)).toMatchObject({ id: t.id, deleted: true });
      expect(await w.reload(t.id)).toBeUndefined();
      expect(await refusal("delete-gone", transport, api().delete(as(w.u.admin), t.id))).toMatchObject({ code: "NOT_FOUND" });
    });

    it("invitations: copy link, resend, revoke", async () => {
      const t = await w.addUser(w.orgA, `${unique("invd")}@a.test`, "member", "invited");
      const copied = await api().copyInvitationLink(as(w.u.manager), t.id);
      expect(copied.invitationLink).toMatch(/^http:\/\/roster\.test\//);
      expect((await api().resendInvitation(as(w.u.admin), t.id)).user.invitation?.state).toBe("pending");
      expect((await api().revokeInvitation(as(w.u.admin), t.id)).invitation?.state).toBe("revoked");
      expect(await refusal("copy-link-auditor", transport, api().copyInvitationLink(as(w.u.auditor), t.id))).toMatchObject({ code: "FORBIDDEN" });
      expect(await refusal("copy-link-active", transport, api().copyInvitationLink(as(w.u.admin), w.u.member.id))).toMatchObject({ code: "CONFLICT" });
    });

    it("bulk delete: one outcome per input in order; only permitted rows go", async () => {
      const [a, b] = [await w.addUser(w.orgA, `${unique("bulk")}@a.test`), await w.addUser(w.orgA, `${unique("bulk")}@a.test`)];
      const missing = "00000000-0000-4000-8000-000000000000";
      const outcomes = await api().bulkDelete(as(w.u.admin), { ids: [a.id, w.u.admin.id, w.u.bMember.id, missing, a.id], emails: [b.email] });
      expect(outcomes.map((o) => [o.input, o.outcome, o.code])).toEqual([
        [a.id, "deleted", undefined],
        [w.u.admin.id, "skipped", "SELF_ACTION"],
        [w.u.bMember.id, "not_found", "NOT_FOUND"],
        [missing, "not_found", "NOT_FOUND"],
        [a.id, "skipped", "DUPLICATE"],
        [b.email, "deleted", undefined],
      ]);
      expect(await w.reload(a.id)).toBeUndefined();
      expect(await w.reload(w.u.bMember.id)).toBeDefined();
      expect(await refusal("bulk-delete-manager", transport, api().bulkDelete(as(w.u.manager), { ids: [w.u.member.id] }))).toMatchObject({ code: "FORBIDDEN" });
    });

    it("bulk deactivate and bulk role change", async () => {
      const t = await w.addUser(w.orgA, `${unique("bulk2")}@a.test`);
      expect((await api().bulkDeactivate(as(w.u.admin), { ids: [t.id] }))[0]).toMatchObject({ outcome: "deactivated" });
      expect((await api().bulkChangeRole(as(w.u.admin), { emails: [t.email], role: "auditor" }))[0]).toMatchObject({ outcome: "updated" });
      expect((await w.reload(t.id))!).toMatchObject({ status: "deactivated", role: "auditor" });
    });

    it("exports the filter as a stream", async () => {
      const file = await api().export(as(w.u.auditor), { email: "admin@a.test" }, "ndjson");
      expect(file.contentType).toBe("application/x-ndjson; charset=utf-8");
      expect(file.filename).toMatch(/\.ndjson$/);
      const lines = utf8(await streamBytes(file.body)).trim().split("\n").map((l) => JSON.parse(l) as { email: string });
      expect(lines.map((l) => l.email)).toEqual(["admin@a.test"]);
      expect((await refusal("export-format", transport, api().export(as(w.u.auditor), {}, "xlsx"))).code).toBe("VALIDATION");
    });

    it("the audit log: filters, keyset paging both ways; a manager is FORBIDDEN; bad filters are VALIDATION", async () => {
      const t = await w.addUser(w.orgA, `${unique(`audit-${transport}`)}@a.test`);
      for (let i = 0; i < 12; i++) await api().update(as(w.u.admin), t.id, { company: `Co ${i}` });
      const query = { target: t.email, action: ["user.updated"], actor: "admin@a.test", outcome: "success", limit: 10 };
      const p1 = await api().auditEvents(as(w.u.auditor), query);
      expect(p1).toMatchObject({ total: 12, totalExact: true, prevCursor: null });
      expect(p1.data).toHaveLength(10);
      expect(p1.data[0]).toMatchObject({ action: "user.updated", targetId: t.id, actorEmail: "admin@a.test", changes: { company: { old: "Co 10", new: "Co 11" } } });
      const p2 = await api().auditEvents(as(w.u.admin), { ...query, cursor: p1.nextCursor! });
      expect(p2.data).toHaveLength(2);
      expect(p2.nextCursor).toBeNull();
      const back = await api().auditEvents(as(w.u.admin), { ...query, cursor: p2.prevCursor! });
      expect(back.data.map((e) => e.id)).toEqual(p1.data.map((e) => e.id));
      // Another org's events never show.
      expect((await api().auditEvents(as(w.u.bAdmin), { target: t.id })).data).toEqual([]);
      expect(await refusal("audit-manager", transport, api().auditEvents(as(w.u.manager), {}))).toMatchObject({ code: "FORBIDDEN" });
      const range = await refusal("audit-range", transport, api().auditEvents(as(w.u.auditor), { from: "2026-02-01", to: "2026-01-01" }));
      expect(range).toMatchObject({ code: "VALIDATION", fields: { to: [expect.any(String)] } });
      expect((await refusal("audit-cursor", transport, api().auditEvents(as(w.u.auditor), { cursor: "garbage" }))).code).toBe("VALIDATION");
      expect((await refusal("audit-unknown", transport, api().auditEvents(as(w.u.auditor), { orgId: w.orgB }))).code).toBe("VALIDATION");
    });

    it("exports the audit log's filter as a stream, audited", async () => {
      const t = await w.addUser(w.orgA, `${unique(`auditx-${transport}`)}@a.test`);
      await api().update(as(w.u.admin), t.id, { company: "Exported" });
      const file = await api().exportAuditEvents(as(w.u.auditor), { target: t.id }, "ndjson");
      expect(file.contentType).toBe("application/x-ndjson; charset=utf-8");
      expect(file.filename).toMatch(/\.ndjson$/);
      const lines = utf8(await streamBytes(file.body)).trim().split("\n").map((l) => JSON.parse(l) as { action: string; targetId: string });
      expect(lines.map((l) => [l.action, l.targetId])).toEqual([["user.updated", t.id]]);
      const [exported] = (await w.core.auditEvents(as(w.u.admin), { action: "audit.exported", actor: "auditor@a.test", limit: 10 })).data;
      expect(exported).toMatchObject({ action: "audit.exported", outcome: "success" });
      expect((await refusal("audit-export-format", transport, api().exportAuditEvents(as(w.u.auditor), {}, "xlsx"))).code).toBe("VALIDATION");
      expect(await refusal("audit-export-manager", transport, api().exportAuditEvents(as(w.u.manager), {}, "csv"))).toMatchObject({ code: "FORBIDDEN" });
    });

    it("the overview: figures for every console role; admin activity only for those who may read the log", async () => {
      const asAuditor = await api().overview(as(w.u.auditor));
      expect(asAuditor.stats).toEqual(await w.core.stats(as(w.u.auditor)));
      expect(asAuditor.adminActivity).toEqual(expect.any(Array));
      expect(asAuditor.adminActivity!.every((e) => e.actorEmail !== null)).toBe(true);
      expect(asAuditor.notSeen).toMatchObject({ days: 90, query: { status: ["active"] } });
      const asManager = await api().overview(as(w.u.manager));
      expect(asManager.adminActivity).toBeNull();
      expect(asManager.invitations.pending.total).toBe(asAuditor.invitations.pending.total);
      expect(await refusal("overview-member", transport, api().overview(as(w.u.member)))).toMatchObject({ code: "FORBIDDEN" });
    });

    it("the acting person changes their own password (the current one is required)", async () => {
      const me = await w.addUser(w.orgA, `${unique("me")}@a.test`, "auditor");
      expect(await refusal("own-password-wrong", transport, api().changeOwnPassword(as(me), { currentPassword: "wrong", password: "another fine passphrase", passwordConfirmation: "another fine passphrase" }))).toMatchObject({ code: "VALIDATION" });
    });

    it("API keys: mint within your role, list your own, revoke; above your role is FORBIDDEN", async () => {
      const me = await w.addUser(w.orgA, `${unique("keys")}@a.test`, "manager");
      const created = await api().createApiKey(as(me), { name: "ci", scopes: ["users:read", "users:write"], expiresInDays: 30 });
      expect(created.token).toMatch(/^rk_[0-9a-f]{12}_/);
      expect(created.key).toMatchObject({ name: "ci", state: "active", scopes: ["users:read", "users:write"] });
      expect((await api().listApiKeys(as(me))).map((k) => k.id)).toEqual([created.key.id]);
      expect(JSON.stringify(await api().listApiKeys(as(me)))).not.toContain(created.token);
      expect(await refusal("key-above-role", transport, api().createApiKey(as(me), { name: "x", scopes: ["users:delete"] }))).toMatchObject({ code: "FORBIDDEN" });
      expect(await refusal("key-bad-input", transport, api().createApiKey(as(me), { name: "", scopes: [], orgId: w.orgB }))).toMatchObject({ code: "VALIDATION" });
      expect(await refusal("key-of-another", transport, api().revokeApiKey(as(w.u.admin), created.key.id))).toMatchObject({ code: "NOT_FOUND" });
      expect(await api().revokeApiKey(as(me), created.key.id)).toMatchObject({ id: created.key.id, state: "revoked" });
    });

    it("a deactivated person, or an ended session, is UNAUTHENTICATED at once; a lowered role takes effect", async () => {
      const p = await w.addUser(w.orgA, `${unique("gone")}@a.test`, "admin");
      const principal = as(p);
      expect((await api().list(principal, { limit: 1 })).data).toHaveLength(1);
      await api().changeRole(as(w.u.admin), p.id, { role: "auditor" });
      expect(await refusal("after-demotion", transport, api().list(principal, {}))).toMatchObject({ code: "UNAUTHENTICATED" });
      const fresh = as((await w.reload(p.id))!);
      expect(await refusal("demoted-mutation", transport, api().deactivate(fresh, w.u.member.id))).toMatchObject({ code: "FORBIDDEN" });
      await api().deactivate(as(w.u.admin), p.id);
      expect(await refusal("deactivated-actor", transport, api().list(as((await w.reload(p.id))!), {}))).toMatchObject({ code: "UNAUTHENTICATED" });
    });
  });
}

describe("both transports", () => {
  it("refused every case with the same code, message and fields", () => {
    expect(Object.keys(refusals.http!).sort()).toEqual(Object.keys(refusals["in-process"]!).sort());
    expect(refusals.http).toEqual(refusals["in-process"]);
  });
});

describe("both transports answer the same", () => {
  it("the audit log, its export and the overview", async () => {
    const [inProc, http] = [apis["in-process"], apis.http];
    const auditor = w.as(w.u.auditor);
    const query = { actor: "admin@a.test", limit: 25 };
    expect(await http.auditEvents(auditor, query)).toEqual(await inProc.auditEvents(auditor, query));
    const filter = { target: w.u.member.id };
    const [a, b] = await Promise.all([inProc.exportAuditEvents(auditor, filter, "json"), http.exportAuditEvents(auditor, filter, "json")]);
    expect([b.contentType, b.filename]).toEqual([a.contentType, a.filename]);
    expect(utf8(await streamBytes(b.body))).toEqual(utf8(await streamBytes(a.body)));
    // generatedAt is each call's own clock reading; everything else must match.
    const [o1, o2] = [await inProc.overview(auditor), await http.overview(auditor)];
    expect({ ...o2, generatedAt: o1.generatedAt }).toEqual(o1);
  });
});

describe("the API's door for actor tokens", () => {
  const otherSecret = new TextEncoder().encode("not-the-shared-secret".padEnd(48, "y"));
  const viaToken = (sign: (p: Principal) => Promise<string>) => httpUserApi({ baseUrl: server.url, sign });

  it("no token and no key: 401 UNAUTHENTICATED in the error shape, with a request id", async () => {
    const res = await fetch(`${server.url}/api/v1/users/stats`);
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { code: string; requestId: string } };
    expect(body.error).toMatchObject({ code: "UNAUTHENTICATED", requestId: expect.any(String) });
  });

  it("a forged, expired, tampered or garbage token: UNAUTHENTICATED, and nothing runs", async () => {
    const admin = w.as(w.u.admin);
    const before = (await w.core.stats(admin)).total;
    const forged = viaToken((p) => signActorToken(p, { secret: otherSecret }));
    await expect(forged.stats(admin)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    await expect(forged.create(admin, { email: `${unique("forged")}@a.test`, name: "F", role: "member" })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    const expired = viaToken((p) => signActorToken(p, { now: new Date(Date.now() - 120_000) }));
    await expect(expired.list(admin, {})).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    const garbage = viaToken(async () => "garbage");
    await expect(garbage.get(admin, w.u.member.id)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    // A real token for the member, with its payload edited to say admin: the signature fails.
    const tampered = viaToken(async (p) => {
      const [h, payload, s] = (await signActorToken({ ...p, role: "member" })).split(".");
      const claims = { ...(JSON.parse(Buffer.from(payload!, "base64url").toString()) as object), role: "admin" };
      return `${h}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${s}`;
    });
    await expect(tampered.stats(admin)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    expect((await w.core.stats(admin)).total).toBe(before);
  });

  it("an API key reaches the same routes, but cannot mint keys", async () => {
    const { token } = await w.core.createApiKey(w.as(w.u.admin), { name: "door", scopes: ["users:read"] });
    const auth = { authorization: `Bearer ${token}` };
    const stats = await fetch(`${server.url}/api/v1/users/stats`, { headers: auth });
    expect(stats.status).toBe(200);
    const mint = await fetch(`${server.url}/api/v1/api-keys`, {
      method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ name: "x", scopes: ["users:read"] }),
    });
    expect(mint.status).toBe(403);
    const role = await fetch(`${server.url}/api/v1/users/${w.u.member.id}/role`, {
      method: "PUT", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ role: "manager" }),
    });
    expect(role.status).toBe(403); // a read-only key
    expect((await w.reload(w.u.member.id))!.role).toBe("member");
  });

  it("a token for the wrong audience is refused", async () => {
    const admin = w.as(w.u.admin);
    const token = await new SignJWT({ org: admin.orgId, sv: admin.sessionVersion, email: admin.email, role: "admin" })
      .setProtectedHeader({ alg: "HS256" }).setSubject(admin.userId).setIssuer(ACTOR_TOKEN_ISSUER).setAudience(`${ACTOR_TOKEN_AUDIENCE}-other`)
      .setIssuedAt().setExpirationTime("1m")
      .sign(new TextEncoder().encode(process.env.USER_API_SECRET));
    const res = await fetch(`${server.url}/api/v1/users/stats`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(401);
  });

  it("a valid token's role claim is not trusted: the core re-reads the person", async () => {
    // The member's own, correctly signed token claiming admin: the core reads role "member".
    const claimsAdmin = viaToken((p) => signActorToken({ ...p, role: "admin" }));
    await expect(claimsAdmin.list(w.as(w.u.member), {})).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("a person with a temporary password: FORBIDDEN through the API too, until they change it (SECURITY 12)", async () => {
    const t = await w.addUser(w.orgA, `${unique("temp")}@a.test`, "admin");
    await w.database.db.update(users).set({ mustChangePassword: true }).where(eq(users.id, t.id));
    const p = w.as((await w.reload(t.id))!);
    await expect(apis.http.list(p, {})).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(apis.http.update(p, w.u.member.id, { company: "Not while temporary" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await w.reload(w.u.member.id))!.company).not.toBe("Not while temporary");
  });

  it("the acting person's ip and user agent reach the audit log", async () => {
    const t = await w.addUser(w.orgA, `${unique("ip")}@a.test`);
    await apis.http.update(w.as(w.u.admin, { ip: "198.51.100.23", userAgent: "Contract/1.0" }), t.id, { company: "Audited" });
    const [event] = await w.core.timeline(w.as(w.u.admin), t.id, { limit: 1 });
    expect(event).toMatchObject({ action: "user.updated", ip: "198.51.100.23", userAgent: "Contract/1.0" });
  });
});
