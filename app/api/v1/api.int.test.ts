// The REST API at its door: the route handlers called directly with real Requests and real API
// keys, on a real database. Every endpoint × scope × role cell (allowed, or FORBIDDEN with
// nothing changed), then SECURITY.md 4, 5, 6, 22, 23 and 25, request ids, idempotency.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { users } from "@/lib/db/schema";
import { createWorld, type World } from "@/lib/testing/fixtures";
import { uniqueEmail, withTrigger } from "@/lib/testing/helpers";
import type { UserRow } from "@/lib/db/schema";
import type { UsersCore } from "@/lib/users";
import { ROLE_SCOPES } from "@/lib/users/policy";
import { SCOPES, type Role, type Scope } from "@/lib/validation/enums";
import { callApi, type ApiErrorJson } from "./_testing/call";

const state = vi.hoisted(() => ({ core: null as UsersCore | null }));
vi.mock("@/lib/users", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/users")>()),
  getUsersCore: async () => state.core!,
}));

let w: World;
const logs: string[] = [];
beforeAll(async () => {
  w = await createWorld();
  state.core = w.core;
  vi.spyOn(console, "info").mockImplementation((line: string) => void logs.push(line));
});
afterAll(() => w?.close());
beforeEach(() => {
  logs.length = 0;
});

/** A fresh key of `who` carrying `scopes`. */
async function keyOf(who: UserRow, scopes: Scope[], expiresInDays?: number) {
  return (await w.core.createApiKey(w.as(who), { name: `k-${scopes.join("+")}`, scopes, expiresInDays })).token;
}
const row = async (id: string) => (await w.database.db.select().from(users).where(eq(users.id, id)))[0];
const byEmail = async (email: string) => w.database.db.select().from(users).where(eq(users.email, email));
async function errorOf(res: Response) {
  const body = (await res.json()) as ApiErrorJson;
  expect(body.error.requestId).toBe(res.headers.get("x-request-id"));
  return body.error;
}

type Target = "member" | "invited" | "deactivated";
interface Endpoint {
  name: string;
  scope: Scope;
  roles: Role[];
  target: Target;
  call: (key: string, t: UserRow, email: string) => Promise<Response>;
  /** Whether the cell's effect happened (for allowed) or not (for refused). */
  changed: (t: UserRow, before: UserRow | undefined, email: string) => Promise<boolean>;
}

const rowChanged = async (t: UserRow, before: UserRow | undefined) =>
  JSON.stringify(await row(t.id)) !== JSON.stringify(before);
const created = async (_t: UserRow, _b: UserRow | undefined, email: string) => (await byEmail(email)).length > 0;

const ENDPOINTS: Endpoint[] = [
  { name: "GET /users", scope: "users:read", roles: ["admin", "manager", "auditor"], target: "member",
    call: (k) => callApi("GET", "/users?limit=5", { key: k }), changed: rowChanged },
  { name: "GET /users/{id}", scope: "users:read", roles: ["admin", "manager", "auditor"], target: "member",
    call: (k, t) => callApi("GET", `/users/${t.id}`, { key: k }), changed: rowChanged },
  { name: "GET /users/{email}", scope: "users:read", roles: ["admin", "manager", "auditor"], target: "member",
    call: (k, t) => callApi("GET", `/users/${encodeURIComponent(t.email.toUpperCase())}`, { key: k }), changed: rowChanged },
  { name: "GET /users/export", scope: "users:read", roles: ["admin", "manager", "auditor"], target: "member",
    call: (k, t) => callApi("GET", `/users/export?format=ndjson&email=${encodeURIComponent(t.email)}`, { key: k }), changed: rowChanged },
  { name: "GET /overview", scope: "users:read", roles: ["admin", "manager", "auditor"], target: "member",
    call: (k) => callApi("GET", "/overview", { key: k }), changed: rowChanged },
  // Managers cannot hold an audit:read key; their users:read key is refused here (403).
  { name: "GET /audit-events", scope: "audit:read", roles: ["admin", "auditor"], target: "member",
    call: (k, t) => callApi("GET", `/audit-events?target=${t.id}&limit=10`, { key: k }), changed: rowChanged },
  { name: "GET /audit-events/export", scope: "audit:read", roles: ["admin", "auditor"], target: "member",
    call: (k, t) => callApi("GET", `/audit-events/export?format=ndjson&target=${encodeURIComponent(t.email)}`, { key: k }), changed: rowChanged },
  { name: "POST /users (create)", scope: "users:write", roles: ["admin", "manager"], target: "member",
    call: (k, _t, email) => callApi("POST", "/users", { key: k, body: { email, role: "member", inviteMode: "none" } }), changed: created },
  { name: "POST /users (invite many)", scope: "users:write", roles: ["admin", "manager"], target: "member",
    call: (k, _t, email) => callApi("POST", "/users", { key: k, body: { emails: [email], inviteMode: "none" } }), changed: created },
  { name: "PATCH /users/{id} (profile)", scope: "users:write", roles: ["admin", "manager"], target: "member",
    call: (k, t) => callApi("PATCH", `/users/${t.id}`, { key: k, body: { company: "API Co" } }), changed: rowChanged },
  { name: "PATCH /users/{id} (role)", scope: "users:write", roles: ["admin"], target: "member",
    call: (k, t) => callApi("PATCH", `/users/${t.id}`, { key: k, body: { role: "auditor" } }), changed: rowChanged },
  { name: "DELETE /users/{id}", scope: "users:delete", roles: ["admin"], target: "member",
    call: (k, t) => callApi("DELETE", `/users/${t.id}`, { key: k }), changed: rowChanged },
  { name: "POST /users/bulk-delete", scope: "users:delete", roles: ["admin"], target: "member",
    call: (k, t) => callApi("POST", "/users/bulk-delete", { key: k, body: { ids: [t.id] } }), changed: rowChanged },
  { name: "POST /users/{id}/deactivate", scope: "users:write", roles: ["admin"], target: "member",
    call: (k, t) => callApi("POST", `/users/${t.id}/deactivate`, { key: k }), changed: rowChanged },
  { name: "POST /users/{id}/reactivate", scope: "users:write", roles: ["admin"], target: "deactivated",
    call: (k, t) => callApi("POST", `/users/${t.id}/reactivate`, { key: k }), changed: rowChanged },
  { name: "POST /users/{id}/resend-invitation", scope: "users:write", roles: ["admin", "manager"], target: "invited",
    call: (k, t) => callApi("POST", `/users/${t.id}/resend-invitation`, { key: k }), changed: rowChanged },
  { name: "POST /users/{id}/reset-password", scope: "users:write", roles: ["admin"], target: "member",
    call: (k, t) => callApi("POST", `/users/${t.id}/reset-password`, { key: k, body: { mode: "temporary_password" } }), changed: rowChanged },
  { name: "POST /users/{id}/sessions/revoke", scope: "users:write", roles: ["admin"], target: "member",
    call: (k, t) => callApi("POST", `/users/${t.id}/sessions/revoke`, { key: k }), changed: rowChanged },
  { name: "PUT /users/{id}/password", scope: "users:write", roles: ["admin"], target: "member",
    call: (k, t) => callApi("PUT", `/users/${t.id}/password`, { key: k, body: { password: "a fresh passphrase 9", passwordConfirmation: "a fresh passphrase 9" } }), changed: rowChanged },
];

const READS = new Set([
  "GET /users", "GET /users/{id}", "GET /users/{email}", "GET /users/export",
  "GET /overview", "GET /audit-events", "GET /audit-events/export",
]);

async function targetFor(kind: Target): Promise<UserRow> {
  if (kind === "invited") {
    const email = uniqueEmail("api-invited");
    await w.core.create(w.as(w.u.admin), { email, inviteMode: "none" });
    return (await byEmail(email))[0]!;
  }
  return w.addUser(w.orgA, uniqueEmail(`api-${kind}`), "member", kind === "deactivated" ? "deactivated" : "active");
}

describe("every endpoint × scope × role", () => {
  const people: Record<"admin" | "manager" | "auditor", () => UserRow> = {
    admin: () => w.u.admin,
    manager: () => w.u.manager,
    auditor: () => w.u.auditor,
  };
  const keys = new Map<string, string>();
  beforeAll(async () => {
    for (const role of Object.keys(people) as (keyof typeof people)[]) {
      for (const scope of ROLE_SCOPES[role]) keys.set(`${role}:${scope}`, await keyOf(people[role](), [scope]));
    }
  });

  for (const role of ["admin", "manager", "auditor"] as const) {
    for (const scope of SCOPES) {
      if (!ROLE_SCOPES[role].includes(scope)) {
        it(`a ${role} cannot even hold a ${scope} key`, async () => {
          const res = await w.core.createApiKey(w.as(people[role]()), { name: "x", scopes: [scope] }).catch((e: { code: string }) => e.code);
          expect(res).toBe("FORBIDDEN");
        });
        continue;
      }
      for (const ep of ENDPOINTS) {
        const allowed = ep.scope === scope && ep.roles.includes(role);
        it(`${ep.name} with a ${role}'s ${scope} key: ${allowed ? "allowed" : "FORBIDDEN, nothing changed"}`, async () => {
          const t = await targetFor(ep.target);
          const email = uniqueEmail("api-new");
          const before = await row(t.id);
          const res = await ep.call(keys.get(`${role}:${scope}`)!, t, email);
          expect(res.headers.get("x-request-id")).toBeTruthy();
          if (allowed) {
            expect(res.status, await res.clone().text()).toBeLessThan(300);
            if (!READS.has(ep.name)) expect(await ep.changed(t, before, email)).toBe(true);
          } else {
            expect(res.status).toBe(403);
            expect(await errorOf(res)).toMatchObject({ code: "FORBIDDEN" });
            expect(await ep.changed(t, before, email)).toBe(false);
          }
        });
      }
    }
  }
});

describe("answers", () => {
  it("GET /users: { data, nextCursor, total } pages with the cursor; filters repeat", async () => {
    const key = await keyOf(w.u.auditor, ["users:read"]);
    const res = await callApi("GET", "/users?limit=2&sort=email&status=active&status=invited", { key });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { data: { email: string; status: string }[]; nextCursor: string; total: number };
    expect(page.data).toHaveLength(2);
    expect(page.total).toBeGreaterThan(2);
    expect(page.data.every((u) => ["active", "invited"].includes(u.status))).toBe(true);
    const next = (await (await callApi("GET", `/users?limit=2&sort=email&status=active&status=invited&cursor=${page.nextCursor}`, { key })).json()) as typeof page;
    expect(next.data[0]!.email > page.data[1]!.email).toBe(true);
    const roles = (await (await callApi("GET", "/users?role=auditor&role=manager", { key })).json()) as { data: { role: string }[] };
    expect(new Set(roles.data.map((u) => u.role))).toEqual(new Set(["auditor", "manager"]));
    expect(JSON.stringify(roles)).not.toMatch(/passwordHash|sessionVersion|password_hash/);
  });

  it("POST /users: 201 with the user; invite many: one outcome per email; bulk delete: outcomes in order", async () => {
    const key = await keyOf(w.u.admin, ["users:write"]);
    const email = uniqueEmail("created");
    const res = await callApi("POST", "/users", { key, body: { email, name: "Cree", inviteMode: "temporary_password" } });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ user: { email, name: "Cree", status: "active" }, temporaryPassword: expect.any(String) });
    const many = await callApi("POST", "/users", { key, body: { emails: `${uniqueEmail("m1")}, not-an-email`, role: "manager" } });
    expect(many.status).toBe(200);
    expect(((await many.json()) as { data: { outcome: string }[] }).data.map((r) => r.outcome)).toEqual(["invited", "failed"]);
    const del = await keyOf(w.u.admin, ["users:delete"]);
    const t = await targetFor("member");
    const bulk = await callApi("POST", "/users/bulk-delete", { key: del, body: { ids: [t.id, w.u.admin.id, w.u.bMember.id] } });
    expect(((await bulk.json()) as { data: { outcome: string; code?: string }[] }).data).toMatchObject([
      { outcome: "deleted" },
      { outcome: "skipped", code: "SELF_ACTION" },
      { outcome: "not_found" },
    ]);
  });

  it("GET /users/export streams the file with its type", async () => {
    const key = await keyOf(w.u.manager, ["users:read"]);
    const res = await callApi("GET", "/users/export?format=csv&role=admin", { key });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(res.headers.get("content-disposition")).toMatch(/attachment; filename="roster-users-.*\.csv"/);
    expect(await res.text()).toContain("admin@a.test");
    const bad = await callApi("GET", "/users/export?format=xlsx", { key });
    expect(bad.status).toBe(422);
  });

  it("GET /audit-events: the core's filters and cursor paging; bad filters 422; a manager 403; no key 401", async () => {
    const t = await w.addUser(w.orgA, uniqueEmail("api-audit"), "member");
    for (const company of ["One", "Two", "Three"]) await w.core.update(w.as(w.u.admin), t.id, { company });
    const key = await keyOf(w.u.auditor, ["audit:read"]);
    type Page = { data: { id: string; action: string; targetId: string; actorEmail: string }[]; nextCursor: string | null; prevCursor: string | null; total: number };
    const first = (await (await callApi("GET", `/audit-events?target=${t.id}&action=user.updated&actor=admin@a.test&limit=10`, { key })).json()) as Page;
    expect(first.total).toBe(3);
    expect(first.data.map((e) => [e.action, e.targetId, e.actorEmail])).toEqual(Array(3).fill(["user.updated", t.id, "admin@a.test"]));
    expect(first).toMatchObject({ nextCursor: null, prevCursor: null });
    // Cursor paging over the org's whole log (more than one page of 10 by now).
    const p1 = (await (await callApi("GET", "/audit-events?limit=10", { key })).json()) as Page;
    expect(p1.data).toHaveLength(10);
    const p2res = await callApi("GET", `/audit-events?limit=10&cursor=${encodeURIComponent(p1.nextCursor!)}`, { key });
    const p2 = (await p2res.json()) as Page;
    expect(p2.prevCursor).toEqual(expect.any(String));
    const back = (await (await callApi("GET", `/audit-events?limit=10&cursor=${encodeURIComponent(p2.prevCursor!)}`, { key })).json()) as Page;
    expect(back.data.map((e) => e.id)).toEqual(p1.data.map((e) => e.id));
    for (const bad of ["from=2026-02-01&to=2026-01-01", "cursor=garbage", "outcome=maybe", "orgId=x"]) {
      const res = await callApi("GET", `/audit-events?${bad}`, { key });
      expect(res.status, bad).toBe(422);
      expect((await errorOf(res)).code).toBe("VALIDATION");
    }
    const manager = await callApi("GET", "/audit-events", { key: await keyOf(w.u.manager, ["users:read"]) });
    expect(manager.status).toBe(403);
    expect((await errorOf(manager)).code).toBe("FORBIDDEN");
    expect((await callApi("GET", "/audit-events")).status).toBe(401);
    expect((await callApi("GET", "/audit-events/export")).status).toBe(401);
    expect((await callApi("GET", "/overview")).status).toBe(401);
  });

  it("GET /audit-events/export streams the file with its type, and is audited", async () => {
    const key = await keyOf(w.u.admin, ["audit:read"]);
    const res = await callApi("GET", "/audit-events/export?format=csv&actor=admin@a.test", { key });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(res.headers.get("content-disposition")).toMatch(/attachment; filename=".*\.csv"/);
    expect(await res.text()).toContain("admin@a.test");
    const bad = await callApi("GET", "/audit-events/export?format=xlsx", { key });
    expect(bad.status).toBe(422);
    const [latest] = (await w.core.auditEvents(w.as(w.u.admin), { action: "audit.exported", limit: 10 })).data;
    expect(latest).toMatchObject({ action: "audit.exported", outcome: "refused", actorEmail: "admin@a.test" });
  });

  it("GET /overview: the figures; admin activity only for a key that may read the audit log", async () => {
    type O = { stats: { total: number }; adminActivity: unknown[] | null; invitations: { pending: { total: number } } };
    const asAuditor = (await (await callApi("GET", "/overview", { key: await keyOf(w.u.auditor, ["users:read", "audit:read"]) })).json()) as O;
    expect(asAuditor.stats.total).toBe((await w.core.stats(w.as(w.u.auditor))).total);
    expect(asAuditor.adminActivity).toEqual(expect.any(Array));
    const asManager = (await (await callApi("GET", "/overview", { key: await keyOf(w.u.manager, ["users:read"]) })).json()) as O;
    expect(asManager.adminActivity).toBeNull();
    expect(asManager.invitations.pending.total).toBe(asAuditor.invitations.pending.total);
  });

  it("the last admin and self-actions: 409 LAST_ADMIN / SELF_ACTION", async () => {
    const key = await keyOf(w.u.admin, ["users:write", "users:delete"]);
    const self = await callApi("POST", `/users/${w.u.admin.id}/deactivate`, { key });
    expect(self.status).toBe(409);
    expect((await errorOf(self)).code).toBe("SELF_ACTION");
    const stale = await callApi("PATCH", `/users/${w.u.member.id}`, { key, body: { name: "x", expectedVersion: 999 } });
    expect(stale.status).toBe(409);
    expect((await errorOf(stale)).code).toBe("CONFLICT");
  });

  it("GET /openapi.json needs no key", async () => {
    const res = await callApi("GET", "/openapi.json");
    expect(res.status).toBe(200);
    expect(((await res.json()) as { openapi: string }).openapi).toBe("3.1.0");
  });
});

describe("SECURITY 4: no key, the body never runs", () => {
  it("no Authorization, another scheme, garbage or an unknown key: 401 with WWW-Authenticate, nothing created, body unread", async () => {
    const email = uniqueEmail("nokey");
    const attempts: Record<string, string>[] = [{}, { authorization: "Basic YWRtaW46YWRtaW4=" }, { authorization: "Bearer" }, { authorization: "Bearer not-a-key" }, { authorization: `Bearer rk_000000000000_${"A".repeat(43)}` }];
    for (const headers of attempts) {
      const request = new Request("http://roster.test/api/v1/users", {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ email }),
      });
      const { POST } = await import("./users/route");
      const res = await POST(request);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect((await errorOf(res)).code).toBe("UNAUTHENTICATED");
      expect(request.bodyUsed).toBe(false);
    }
    expect(await byEmail(email)).toEqual([]);
  });
});

describe("SECURITY 5: another org's user", () => {
  it("by id or email: 404 NOT_FOUND, the same answer as a missing user, nothing changed", async () => {
    const key = await keyOf(w.u.admin, ["users:read", "users:write", "users:delete"]);
    const missing = await errorOf(await callApi("GET", "/users/00000000-0000-4000-8000-000000000000", { key }));
    const before = await row(w.u.bMember.id);
    for (const ref of [w.u.bMember.id, w.u.bMember.email]) {
      for (const [method, path, body] of [
        ["GET", `/users/${encodeURIComponent(ref)}`, undefined],
        ["PATCH", `/users/${encodeURIComponent(ref)}`, { name: "pwned" }],
        ["DELETE", `/users/${encodeURIComponent(ref)}`, undefined],
        ["POST", `/users/${encodeURIComponent(ref)}/deactivate`, undefined],
      ] as const) {
        const res = await callApi(method, path, { key, body });
        expect(res.status, `${method} ${path}`).toBe(404);
        expect((await errorOf(res)).message).toBe(missing.message);
      }
    }
    expect(await row(w.u.bMember.id)).toEqual(before);
  });
});

describe("SECURITY 6: extra fields", () => {
  it("orgId, passwordHash, status, sessionVersion in POST or PATCH: 422 naming them, nothing changed", async () => {
    const key = await keyOf(w.u.admin, ["users:write"]);
    const t = await targetFor("member");
    const before = await row(t.id);
    for (const extra of [{ orgId: w.orgB }, { passwordHash: "x" }, { status: "active" }, { sessionVersion: 9 }]) {
      const email = uniqueEmail("extra");
      const post = await callApi("POST", "/users", { key, body: { email, ...extra } });
      expect(post.status).toBe(422);
      const err = await errorOf(post);
      expect(err.code).toBe("VALIDATION");
      expect(err.message).toContain(Object.keys(extra)[0]);
      expect(await byEmail(email)).toEqual([]);
      const patch = await callApi("PATCH", `/users/${t.id}`, { key, body: { name: "n", ...extra } });
      expect(patch.status).toBe(422);
    }
    expect(await row(t.id)).toEqual(before);
  });
});

describe("SECURITY 22: hostile bodies", () => {
  it("over 1 MB (declared or streamed): 413; 10,000 deep: 400; malformed: 400; not JSON: 415; the server carries on", async () => {
    const key = await keyOf(w.u.admin, ["users:write"]);
    const big = JSON.stringify({ email: uniqueEmail("big"), name: "x".repeat(1024 * 1024) });
    let res = await callApi("POST", "/users", { key, raw: big, headers: { "content-type": "application/json" } });
    expect(res.status).toBe(413);
    expect((await errorOf(res)).fields).toHaveProperty("body");
    // No declared length: the stream is cut at the limit.
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 20; i++) c.enqueue(new Uint8Array(128 * 1024).fill(32));
        c.close();
      },
    });
    const { POST } = await import("./users/route");
    res = await POST(new Request("http://roster.test/api/v1/users", { method: "POST", body: stream, duplex: "half", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" } } as RequestInit));
    expect(res.status).toBe(413);
    const deep = "[".repeat(10_000) + "]".repeat(10_000);
    const started = performance.now();
    res = await callApi("POST", "/users", { key, raw: deep, headers: { "content-type": "application/json" } });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toMatch(/nested deeper/);
    expect(performance.now() - started).toBeLessThan(5_000);
    res = await callApi("PATCH", `/users/${w.u.member.id}`, { key, raw: '{"name": "x",', headers: { "content-type": "application/json" } });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toMatch(/not valid JSON/);
    res = await callApi("POST", "/users", { key, raw: "email=a@b.test", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(res.status).toBe(415);
    res = await callApi("GET", "/users?limit=1", { key: await keyOf(w.u.admin, ["users:read"]) });
    expect(res.status).toBe(200);
  });
});

describe("SECURITY 23: hostile query strings", () => {
  it("a bad sort or cursor: 422; an injection in q: a harmless search; limit=1e9: clamped to 100", async () => {
    const key = await keyOf(w.u.admin, ["users:read"]);
    for (const q of ["sort=name;DROP TABLE users", "cursor=garbage", "limit=abc", "status=sleeping", "unknown=1"]) {
      const res = await callApi("GET", `/users?${q}`, { key });
      expect(res.status, q).toBe(422);
      expect((await errorOf(res)).code).toBe("VALIDATION");
    }
    const inj = await callApi("GET", `/users?q=${encodeURIComponent("' OR 1=1 --")}`, { key });
    expect(inj.status).toBe(200);
    expect(((await inj.json()) as { data: unknown[] }).data).toEqual([]);
    for (let i = 0; i < 101; i++) await w.addUser(w.orgA, uniqueEmail("bulk-list"));
    const clamped = await callApi("GET", "/users?limit=1e9", { key });
    expect(((await clamped.json()) as { data: unknown[] }).data).toHaveLength(100);
    expect((await w.database.db.select({ id: users.id }).from(users)).length).toBeGreaterThan(100);
  });
});

describe("SECURITY 2: a manager's key cannot grant above the manager role", () => {
  it("create or invite an admin or an auditor: 403, nobody created", async () => {
    const key = await keyOf(w.u.manager, ["users:read", "users:write"]);
    for (const role of ["admin", "auditor"] as const) {
      const one = uniqueEmail(`s2-create-${role}`);
      const res = await callApi("POST", "/users", { key, body: { email: one, name: "Above", role, inviteMode: "none" } });
      expect(res.status).toBe(403);
      expect((await errorOf(res)).code).toBe("FORBIDDEN");
      expect(await byEmail(one)).toEqual([]);

      const many = [uniqueEmail(`s2-invite-${role}`), uniqueEmail(`s2-invite-${role}`)];
      const inv = await callApi("POST", "/users", { key, body: { emails: many, role, inviteMode: "none" } });
      expect(inv.status).toBe(403);
      expect((await errorOf(inv)).code).toBe("FORBIDDEN");
      for (const e of many) expect(await byEmail(e)).toEqual([]);
    }
    // The manager's own grantable roles still work through the same door.
    const ok = uniqueEmail("s2-member");
    const res = await callApi("POST", "/users", { key, body: { emails: [ok], role: "member", inviteMode: "none" } });
    expect(res.status).toBe(200);
    expect(await byEmail(ok)).toHaveLength(1);
  });
});

describe("SECURITY 25: scopes, revoked and expired keys", () => {
  it("a users:read key DELETEs: 403 and the user stays; revoked: 401; expired: 401; owner deactivated: 401", async () => {
    const key = await keyOf(w.u.admin, ["users:read"]);
    const t = await targetFor("member");
    const res = await callApi("DELETE", `/users/${t.id}`, { key });
    expect(res.status).toBe(403);
    expect((await errorOf(res)).message).toMatch(/users:delete/);
    expect(await row(t.id)).toBeDefined();

    const { key: info, token } = await w.core.createApiKey(w.as(w.u.admin), { name: "revoke me", scopes: ["users:read"] });
    expect((await callApi("GET", "/users", { key: token })).status).toBe(200);
    await w.core.revokeApiKey(w.as(w.u.admin), info.id);
    expect((await callApi("GET", "/users", { key: token })).status).toBe(401);

    const { token: soon } = await w.core.createApiKey(w.as(w.u.admin), { name: "expiring", scopes: ["users:read"], expiresInDays: 1 });
    const { apiKeys } = await import("@/lib/db/schema");
    await w.database.db.update(apiKeys).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiKeys.prefix, soon.slice(0, 15)));
    expect((await callApi("GET", "/users", { key: soon })).status).toBe(401);

    const leaver = await w.addUser(w.orgA, uniqueEmail("leaver"), "manager");
    const theirs = await keyOf(leaver, ["users:read"]);
    expect((await callApi("GET", "/users", { key: theirs })).status).toBe(200);
    await w.core.deactivate(w.as(w.u.admin), leaver.id);
    expect((await callApi("GET", "/users", { key: theirs })).status).toBe(401);
  });
});

describe("request ids", () => {
  it("on every answer and error, in the log line; a caller's plain id is kept, anything else replaced", async () => {
    const key = await keyOf(w.u.auditor, ["users:read"]);
    const ok = await callApi("GET", "/users?limit=1", { key });
    const id = ok.headers.get("x-request-id")!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(logs.some((l) => l.includes(id) && l.includes("GET /api/v1/users 200"))).toBe(true);
    const mine = await callApi("GET", "/users?limit=1", { key, headers: { "x-request-id": "bff-1234-abcd" } });
    expect(mine.headers.get("x-request-id")).toBe("bff-1234-abcd");
    const evil = await callApi("GET", "/users?limit=1", { key, headers: { "x-request-id": "<script>alert(1)</script> id" } });
    expect(evil.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const err = await callApi("GET", "/users?sort=nope", { key });
    expect((await errorOf(err)).requestId).toBe(err.headers.get("x-request-id"));
    expect(err.headers.get("cache-control")).toBe("no-store");
  });

  it("an unexpected failure: 500 INTERNAL whose message names the request id, logged with it, nothing changed", async () => {
    const key = await keyOf(w.u.admin, ["users:write"]);
    const t = await targetFor("member");
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      await withTrigger(w, "api_boom", "users", "before update", "begin raise exception 'disk on fire'; end;", async () => {
        const res = await callApi("PATCH", `/users/${t.id}`, { key, body: { name: "never" } });
        expect(res.status).toBe(500);
        const err = await errorOf(res);
        expect(err.code).toBe("INTERNAL");
        expect(err.message).toContain(err.requestId);
        expect(err.message).not.toMatch(/disk on fire/);
        expect(errors.mock.calls.some((c) => String(c[0]).includes(err.requestId))).toBe(true);
      });
    } finally {
      errors.mockRestore();
    }
    expect((await row(t.id))!.name).toBe(t.name);
  });
});

describe("Idempotency-Key at the door", () => {
  it("a retried POST /users answers the first response, marked as a replay, and creates once", async () => {
    const key = await keyOf(w.u.manager, ["users:write"]);
    const email = uniqueEmail("idem-door");
    const send = (body: unknown) => callApi("POST", "/users", { key, body, headers: { "idempotency-key": "door-1" } });
    const first = await send({ email, name: "Once" });
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const again = await send({ email, name: "Once" });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(((await again.json()) as { user: { id: string } }).user.id).toBe(((await first.json()) as { user: { id: string } }).user.id);
    expect(await byEmail(email)).toHaveLength(1);
    const other = await send({ email: uniqueEmail("idem-other") });
    expect(other.status).toBe(422);
    expect((await errorOf(other)).fields).toHaveProperty("Idempotency-Key");
  });
});
