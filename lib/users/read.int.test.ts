// Reads: list (search, filters, sorts, keyset pages, totals) and get, who may read, and hostile
// list queries. Org C holds a hand-made set of users whose order is known in advance.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { invitations, organizations, users, type UserRow } from "../db/schema";
import { createWorld, type World } from "../testing/fixtures";
import { apiKeyPrincipal, auditMark, expectCode } from "../testing/helpers";
import { sha256 } from "../security/tokens";
import { emailKey } from "../validation/users";
import { USER_SORTS, type Role, type Status } from "../validation/enums";
import { createUsersCore, type ListUsersResult, type Principal, type UserDTO } from "./index";

let w: World;

interface Seed {
  name: string;
  email: string;
  role: Role;
  status: Status;
  created: string;
  login: string | null;
  invitation?: "pending" | "expired";
}

// Two users share a name (Sam) and two share a creation time, so ties are broken by id.
const SEED: Seed[] = [
  { name: "Chief", email: "chief@c.test", role: "admin", status: "active", created: "2024-01-01T00:00:00.000Z", login: "2025-03-01T10:00:00.000Z" },
  { name: "Alice Anders", email: "alice@c.test", role: "manager", status: "active", created: "2024-01-02T00:00:00.000Z", login: "2025-02-01T00:00:00.000Z" },
  { name: "alan smith", email: "alan@c.test", role: "member", status: "active", created: "2024-01-03T00:00:00.000Z", login: null },
  { name: "Bob Brown", email: "Bob.Brown@C.test", role: "auditor", status: "active", created: "2024-01-03T00:00:00.000Z", login: "2025-01-15T08:30:00.123Z" },
  { name: "carla díaz", email: "carla@c.test", role: "member", status: "deactivated", created: "2024-01-05T00:00:00.000Z", login: "2024-06-01T00:00:00.000Z" },
  { name: "Dan O'Brien", email: "dan@c.test", role: "member", status: "invited", created: "2024-01-06T00:00:00.000Z", login: null, invitation: "pending" },
  { name: "Eve", email: "eve@c.test", role: "manager", status: "invited", created: "2024-01-07T00:00:00.000Z", login: null, invitation: "expired" },
  { name: "Frank 100%", email: "frank@c.test", role: "member", status: "active", created: "2024-01-08T00:00:00.000Z", login: "2025-01-01T00:00:00.000Z" },
  { name: "Henry 1000", email: "henry@c.test", role: "member", status: "active", created: "2024-01-09T00:00:00.000Z", login: null },
  { name: "under_score", email: "us@c.test", role: "member", status: "active", created: "2024-01-10T00:00:00.000Z", login: null },
  { name: "Grace", email: "grace.smith@c.test", role: "member", status: "active", created: "2024-01-11T00:00:00.000Z", login: "2024-12-24T00:00:00.000Z" },
  { name: "Sam", email: "sam1@c.test", role: "member", status: "active", created: "2024-01-12T00:00:00.000Z", login: null },
  { name: "Sam", email: "sam2@c.test", role: "member", status: "deactivated", created: "2024-01-13T00:00:00.000Z", login: null },
  { name: "", email: "noname@c.test", role: "member", status: "active", created: "2024-01-14T00:00:00.000Z", login: null },
];

let orgC: string;
let c: Record<string, UserRow>; // by email key
let chief: Principal;

const emails = (page: { data: UserDTO[] }) => page.data.map((u) => u.email);

beforeAll(async () => {
  w = await createWorld();
  const db = w.database.db;
  const [org] = await db.insert(organizations).values({ name: "Org C", slug: "org-c" }).returning();
  orgC = org!.id;
  const rows = await db
    .insert(users)
    .values(
      SEED.map((s) => ({
        orgId: orgC,
        email: s.email,
        emailKey: emailKey(s.email),
        name: s.name,
        role: s.role,
        status: s.status,
        passwordHash: s.status === "invited" ? null : "x",
        createdAt: new Date(s.created),
        updatedAt: new Date(s.created),
        lastLoginAt: s.login ? new Date(s.login) : null,
        deactivatedAt: s.status === "deactivated" ? new Date(s.created) : null,
      })),
    )
    .returning();
  c = Object.fromEntries(rows.map((r) => [r.emailKey, r]));
  const now = Date.now();
  for (const s of SEED.filter((x) => x.invitation)) {
    await db.insert(invitations).values({
      userId: c[emailKey(s.email)]!.id,
      tokenHash: sha256(`token-${s.email}`),
      expiresAt: new Date(s.invitation === "pending" ? now + 86_400_000 : now - 60_000),
      createdAt: new Date(now - 3 * 86_400_000),
      sentAt: new Date(now - 3 * 86_400_000),
    });
  }
  chief = w.as(c["chief@c.test"]!);
});
afterAll(() => w?.close());

/** The model's order for a sort, by the documented keys with the id as tie-breaker. */
function expectedOrder(sort: (typeof USER_SORTS)[number], filter: (s: Seed) => boolean = () => true): string[] {
  const field = sort.replace(/^-/, "");
  const desc = sort.startsWith("-");
  const key = (s: Seed): string | number => {
    if (field === "name") return s.name.toLowerCase();
    if (field === "email") return emailKey(s.email);
    if (field === "created") return Date.parse(s.created);
    return s.login ? Date.parse(s.login) : -Infinity;
  };
  const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  return SEED.filter(filter)
    .map((s) => ({ s, k: key(s), id: c[emailKey(s.email)]!.id }))
    .sort((a, b) => (desc ? -1 : 1) * (cmp(a.k, b.k) || cmp(a.id, b.id)))
    .map((x) => x.s.email);
}

describe("list: scope and totals", () => {
  it("lists the caller's org only, with an exact total (replaces the smoke test)", async () => {
    const page = await w.core.list(w.as(w.u.admin), {});
    expect(page.data.map((u) => u.email).sort()).toEqual(
      ["admin2@a.test", "admin@a.test", "auditor@a.test", "gone@a.test", "invited@a.test", "manager@a.test", "member@a.test"],
    );
    expect(page.total).toBe(7);
    expect(page.totalExact).toBe(true);
    expect(page.nextCursor).toBeNull();
    expect(page.prevCursor).toBeNull();

    const b = await w.core.list(w.as(w.u.bAdmin), {});
    expect(emails(b).sort()).toEqual(["admin@b.test", "member@b.test"]);
    expect(b.total).toBe(2);
  });

  it("a page's users carry no secret (pages are read as whole users rows, then reduced)", async () => {
    const page = await w.core.list(w.as(w.u.admin), {});
    expect(page.data.some((u) => u.hasPassword)).toBe(true);
    for (const u of page.data) {
      for (const secret of ["passwordHash", "sessionVersion", "emailKey", "orgId", "json"]) expect(Object.keys(u)).not.toContain(secret);
    }
    expect(JSON.stringify(page)).not.toMatch(/argon2|password_hash/);
  });

  it("counts all matches, not the page", async () => {
    const page = await w.core.list(chief, { limit: 3 });
    expect(page.data).toHaveLength(3);
    expect(page.total).toBe(SEED.length);
    expect(page.totalExact).toBe(true);
    const filtered = await w.core.list(chief, { status: "active", limit: 2 });
    expect(filtered.total).toBe(SEED.filter((s) => s.status === "active").length);
  });

  it("estimates (and says so) beyond 1,000 matches", async () => {
    const db = w.database.db;
    const [org] = await db.insert(organizations).values({ name: "Org Big", slug: "org-big" }).returning();
    const rows = await db
      .insert(users)
      .values(
        Array.from({ length: 1005 }, (_, i) => ({
          orgId: org!.id,
          email: `u${i}@big.test`,
          emailKey: `u${i}@big.test`,
          name: `User ${i}`,
          role: (i === 0 ? "admin" : "member") as Role,
          status: "active" as const,
        })),
      )
      .returning({ id: users.id, orgId: users.orgId, email: users.email, role: users.role, sessionVersion: users.sessionVersion });
    const bigAdmin = rows.find((r) => r.role === "admin")!;
    const page = await w.core.list(
      { kind: "session", userId: bigAdmin.id, orgId: org!.id, email: bigAdmin.email, role: "admin", sessionVersion: 1 },
      { limit: 10 },
    );
    expect(page.totalExact).toBe(false);
    expect(page.total).toBeGreaterThan(1000);
    expect(page.data).toHaveLength(10);
    // A narrow search is small again, so exact.
    const one = await w.core.list(
      { kind: "session", userId: bigAdmin.id, orgId: org!.id, email: bigAdmin.email, role: "admin", sessionVersion: 1 },
      { q: "u1004@" },
    );
    expect(one).toMatchObject({ total: 1, totalExact: true });
  });
});

describe("list: search", () => {
  const search = async (q: string) => emails(await w.core.list(chief, { q, limit: 100 })).sort();

  it("1–2 characters match a prefix of the name or the email", async () => {
    expect(await search("al")).toEqual(["alan@c.test", "alice@c.test"]); // not carla
    expect(await search("b")).toEqual(["Bob.Brown@C.test"]); // not "dan o'brien"
    expect(await search("s")).toEqual(["sam1@c.test", "sam2@c.test"]); // not "alan smith" / grace.smith
  });

  it("3+ characters match a substring anywhere in name or email", async () => {
    expect(await search("arl")).toEqual(["carla@c.test"]);
    expect(await search("brien")).toEqual(["dan@c.test"]);
    expect(await search("smith")).toEqual(["alan@c.test", "grace.smith@c.test"]); // name, email
  });

  it("is case-insensitive and trims the term", async () => {
    expect(await search("  SMITH ")).toEqual(["alan@c.test", "grace.smith@c.test"]);
    expect(await search("BOB.BROWN@C")).toEqual(["Bob.Brown@C.test"]);
    expect(await search("DÍAZ")).toEqual(["carla@c.test"]);
  });

  it("treats LIKE wildcards literally", async () => {
    expect(await search("100%")).toEqual(["frank@c.test"]); // not "Henry 1000"
    expect(await search("%")).toEqual([]);
    expect(await search("_")).toEqual([]);
    expect(await search("r_s")).toEqual(["us@c.test"]);
    expect(await search("\\")).toEqual([]);
  });

  it("treats SQL as text: q=' OR 1=1 -- finds nobody and breaks nothing", async () => {
    const page = await w.core.list(chief, { q: "' OR 1=1 --" });
    expect(page.data).toEqual([]);
    expect(page.total).toBe(0);
    expect(await search("'; drop table users; --")).toEqual([]);
    expect((await w.core.list(chief, {})).total).toBe(SEED.length);
  });

  it("never reaches another organization", async () => {
    expect(await search("a.test")).toEqual([]);
    expect(await search("admin")).toEqual([]);
  });

  it("combines with filters and reports the filtered total", async () => {
    const page = await w.core.list(chief, { q: "sam", status: ["active"] });
    expect(emails(page)).toEqual(["sam1@c.test"]);
    expect(page.total).toBe(1);
  });
});

describe("list: filters", () => {
  const run = async (q: Record<string, unknown>) => emails(await w.core.list(chief, { ...q, limit: 100 })).sort();
  const model = (f: (s: Seed) => boolean) => SEED.filter(f).map((s) => s.email).sort();

  it.each([
    [["active"]],
    [["invited"]],
    [["deactivated"]],
    [["invited", "deactivated"]],
  ])("status %j", async (status) => {
    expect(await run({ status })).toEqual(model((s) => status.includes(s.status)));
  });

  it.each([[["admin"]], [["manager", "auditor"]], [["member"]]])("role %j", async (role) => {
    expect(await run({ role })).toEqual(model((s) => role.includes(s.role)));
  });

  it("status and role together", async () => {
    expect(await run({ status: ["invited"], role: ["manager"] })).toEqual(["eve@c.test"]);
  });

  it("a single value works as well as a list", async () => {
    expect(await run({ status: "invited" })).toEqual(["dan@c.test", "eve@c.test"]);
  });

  it("email filters by the whole normalized address, not a substring", async () => {
    expect(await run({ email: "  BOB.BROWN@c.test " })).toEqual(["Bob.Brown@C.test"]);
    expect(await run({ email: "bob.brown" })).toEqual([]);
    expect(await run({ email: "admin@a.test" })).toEqual([]); // another org
  });
});

describe("list: sorts and keyset pagination", () => {
  it("orders a known set by name (case-insensitive), with ties broken by id", async () => {
    const page = await w.core.list(chief, { sort: "name", limit: 100 });
    expect(page.data.map((u) => u.name.toLowerCase())).toEqual([
      "", "alan smith", "alice anders", "bob brown", "carla díaz", "chief", "dan o'brien",
      "eve", "frank 100%", "grace", "henry 1000", "sam", "sam", "under_score",
    ]);
  });

  for (const sort of USER_SORTS) {
    it(`sort=${sort}: full order, then pages of 3 forward and back give the same pages`, async () => {
      const expected = expectedOrder(sort);
      const full = await w.core.list(chief, { sort, limit: 100 });
      expect(emails(full)).toEqual(expected);

      const forward: string[][] = [];
      const cursors: (string | null)[] = [];
      let page: ListUsersResult = await w.core.list(chief, { sort, limit: 3 });
      expect(page.prevCursor).toBeNull();
      for (;;) {
        forward.push(emails(page));
        expect(page.total).toBe(SEED.length);
        cursors.push(page.prevCursor);
        if (!page.nextCursor) break;
        page = await w.core.list(chief, { sort, limit: 3, cursor: page.nextCursor });
      }
      expect(forward.flat()).toEqual(expected);
      expect(forward.map((p) => p.length)).toEqual([3, 3, 3, 3, 2]);

      // Walk back from the last page.
      const backward: string[][] = [emails(page)];
      let prev = page.prevCursor;
      while (prev) {
        const p = await w.core.list(chief, { sort, limit: 3, cursor: prev });
        backward.unshift(emails(p));
        expect(p.nextCursor).not.toBeNull();
        prev = p.prevCursor;
      }
      expect(backward).toEqual(forward);
    });
  }

  it("pages a filtered list, and a cursor past the end gives an empty page", async () => {
    const expected = expectedOrder("-created", (s) => s.status === "active");
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const p: ListUsersResult = await w.core.list(chief, { sort: "-created", status: ["active"], limit: 4, cursor });
      seen.push(...emails(p));
      if (!p.nextCursor) break;
      cursor = p.nextCursor;
    }
    expect(seen).toEqual(expected);
  });

  it("the page after a nearly full one holds the rest and has no next cursor", async () => {
    const first = await w.core.list(chief, { sort: "email", limit: SEED.length - 1 });
    expect(first.nextCursor).not.toBeNull();
    const last = await w.core.list(chief, { sort: "email", limit: SEED.length - 1, cursor: first.nextCursor! });
    expect(emails(last)).toEqual(["us@c.test"]);
    expect(last.nextCursor).toBeNull();
  });
});

describe("list: invitation state on invited rows", () => {
  it("shows pending and expired invitations, and none on other rows", async () => {
    const page = await w.core.list(chief, { limit: 100 });
    const by = Object.fromEntries(page.data.map((u) => [u.email, u]));
    expect(by["dan@c.test"]!.invitation).toMatchObject({ state: "pending", acceptedAt: null, revokedAt: null });
    expect(by["eve@c.test"]!.invitation).toMatchObject({ state: "expired" });
    expect(by["alice@c.test"]!.invitation).toBeNull();
    expect(by["sam2@c.test"]!.invitation).toBeNull();
  });

  it("computes the state against the core's clock", async () => {
    const later = createUsersCore(w.database.db, { appUrl: "http://roster.test" }, () => new Date(Date.now() + 2 * 86_400_000));
    const page = await later.list(chief, { status: "invited" });
    expect(page.data.map((u) => [u.email, u.invitation?.state])).toEqual([
      ["dan@c.test", "expired"],
      ["eve@c.test", "expired"],
    ]);
  });
});

describe("list: hostile queries", () => {
  it.each([
    [{ sort: "name;DROP TABLE users" }],
    [{ sort: "password_hash" }],
    [{ status: "deleted" }],
    [{ role: "owner" }],
    [{ limit: "abc" }],
    [{ orgId: "x" }],
    [{ q: "x".repeat(201) }],
    [{ cursor: "garbage" }],
    [{ cursor: "" + Buffer.from("[1,2]").toString("base64url") }],
    [{ cursor: Buffer.from(JSON.stringify(["a", "not-a-uuid", "n"])).toString("base64url") }],
    [{ cursor: Buffer.from(JSON.stringify(["a", "00000000-0000-0000-0000-000000000000", "x"])).toString("base64url") }],
    [{ cursor: Buffer.from("{\"__proto__\":1}").toString("base64url") }],
    [{ cursor: "%%%%" }],
  ])("%j → VALIDATION", async (query) => {
    const err = await expectCode(w.core.list(chief, query), "VALIDATION");
    expect(err.fields).toBeDefined();
  });

  it("a cursor forged for another sort (a name where a timestamp belongs) is VALIDATION, not a database error", async () => {
    const byName = await w.core.list(chief, { sort: "name", limit: 2 });
    for (const sort of ["created", "-created", "last_login", "-last_login"] as const) {
      await expectCode(w.core.list(chief, { sort, limit: 2, cursor: byName.nextCursor! }), "VALIDATION");
    }
    for (const sort of USER_SORTS) {
      const forged = Buffer.from(
        JSON.stringify(["'); drop table users; --", "00000000-0000-0000-0000-000000000000", "n", sort]),
      ).toString("base64url");
      const r = w.core.list(chief, { sort, cursor: forged });
      // For text sorts the key is just a value to compare with; for time sorts it is refused.
      if (/created|last_login/.test(sort)) await expectCode(r, "VALIDATION");
      else await expect(r).resolves.toMatchObject({ data: expect.any(Array) });
    }
    expect((await w.core.list(chief, {})).total).toBe(SEED.length);
  });

  it("limit=1e9 is clamped to 100; limit=0 to 1", async () => {
    const db = w.database.db;
    const [org] = await db.select().from(organizations).where(eq(organizations.slug, "org-big"));
    const [bigAdmin] = await db.select().from(users).where(eq(users.email, "u0@big.test"));
    expect(org).toBeDefined();
    const p = { kind: "session" as const, userId: bigAdmin!.id, orgId: org!.id, email: bigAdmin!.email, role: "admin" as const, sessionVersion: bigAdmin!.sessionVersion };
    expect((await w.core.list(p, { limit: "1e9" })).data).toHaveLength(100);
    expect((await w.core.list(p, { limit: 1e9 })).data).toHaveLength(100);
    expect((await w.core.list(chief, { limit: 0 })).data).toHaveLength(1);
  });
});

describe("get", () => {
  it("finds a user by id, by email in any case and spacing, and by an upper-case id", async () => {
    const admin = w.as(w.u.admin);
    const byId = await w.core.get(admin, w.u.member.id);
    expect(byId).toMatchObject({ id: w.u.member.id, email: "member@a.test", role: "member", status: "active" });
    expect((await w.core.get(admin, "  MEMBER@A.TEST ")).id).toBe(w.u.member.id);
    expect((await w.core.get(admin, w.u.member.id.toUpperCase())).id).toBe(w.u.member.id);
  });

  it("returns a DTO without secrets", async () => {
    const dto = await w.core.get(w.as(w.u.admin), w.u.member.id);
    const keys = Object.keys(dto);
    for (const secret of ["passwordHash", "sessionVersion", "emailKey", "tokenHash", "orgId"]) {
      expect(keys).not.toContain(secret);
    }
    expect(JSON.stringify(dto)).not.toMatch(/argon2/);
    expect(dto.hasPassword).toBe(true);
    expect(dto.apiKeys).toEqual({ active: 0, lastUsedAt: null });
  });

  it("shows the inviter, the latest invitation and live API keys", async () => {
    const admin = w.as(w.u.admin);
    const [inv] = await w.core.invite(admin, { emails: "detail-invitee@a.test", inviteMode: "none" });
    const dto = await w.core.get(admin, inv!.userId!);
    expect(dto.invitedByUser).toEqual({ id: w.u.admin.id, email: "admin@a.test", name: "admin" });
    expect(dto.invitation).toMatchObject({ state: "pending", sentAt: null });
    await apiKeyPrincipal(w, w.u.manager, ["users:read"]);
    await apiKeyPrincipal(w, w.u.manager, ["users:read"], { revokedAt: new Date() });
    await apiKeyPrincipal(w, w.u.manager, ["users:read"], { expiresAt: new Date(Date.now() - 1000) });
    expect((await w.core.get(admin, w.u.manager.id)).apiKeys.active).toBe(1);
  });

  it("another org's id or email is NOT_FOUND with the same message as a missing one", async () => {
    const admin = w.as(w.u.admin);
    const missing = await expectCode(w.core.get(admin, "00000000-0000-4000-8000-000000000000"), "NOT_FOUND");
    const otherId = await expectCode(w.core.get(admin, w.u.bMember.id), "NOT_FOUND");
    const otherEmail = await expectCode(w.core.get(admin, "member@b.test"), "NOT_FOUND");
    const garbage = await expectCode(w.core.get(admin, "'; select 1; --"), "NOT_FOUND");
    expect(new Set([missing.message, otherId.message, otherEmail.message, garbage.message]).size).toBe(1);
  });

  it("an empty or over-long reference is VALIDATION", async () => {
    await expectCode(w.core.get(w.as(w.u.admin), "   "), "VALIDATION");
    await expectCode(w.core.get(w.as(w.u.admin), "x".repeat(321)), "VALIDATION");
    await expectCode(w.core.get(w.as(w.u.admin), { id: w.u.member.id }), "VALIDATION");
  });
});

describe("who may read", () => {
  for (const role of ["admin", "manager", "auditor"] as const) {
    it(`${role} may list and view users`, async () => {
      const p = w.as(w.u[role]);
      const all = await w.core.list(w.as(w.u.admin), {});
      expect(all.total).toBeGreaterThanOrEqual(7);
      expect(emails(await w.core.list(p, {}))).toEqual(emails(all));
      expect((await w.core.get(p, w.u.member.id)).email).toBe("member@a.test");
    });
  }

  it("member: FORBIDDEN for list and get, each refusal audited", async () => {
    const mark = await auditMark(w);
    await expectCode(w.core.list(w.as(w.u.member), {}), "FORBIDDEN");
    await expectCode(w.core.get(w.as(w.u.member), w.u.admin.id), "FORBIDDEN");
    const events = await mark.since();
    expect(events).toHaveLength(2);
    for (const e of events) {
      expect(e).toMatchObject({ actorId: w.u.member.id, outcome: "refused", action: "users:read" });
      expect(e.changes).toMatchObject({ code: "FORBIDDEN" });
    }
  });

  it("a deactivated, deleted, or foreign-org principal is UNAUTHENTICATED", async () => {
    await expectCode(w.core.list(w.as(w.u.deactivated), {}), "UNAUTHENTICATED");
    await expectCode(w.core.list({ ...w.as(w.u.bAdmin), orgId: w.orgA }, {}), "UNAUTHENTICATED");
    await expectCode(
      w.core.list({ kind: "session", userId: "00000000-0000-4000-8000-000000000000", orgId: w.orgA, email: "x@a.test", role: "admin" }, {}),
      "UNAUTHENTICATED",
    );
  });

  it("a session from before a session-version bump is UNAUTHENTICATED", async () => {
    await expectCode(w.core.list(w.as(w.u.auditor, { sessionVersion: w.u.auditor.sessionVersion - 1 }), {}), "UNAUTHENTICATED");
  });

  it("API keys: users:read may read; other scopes may not; revoked or expired keys are UNAUTHENTICATED", async () => {
    const reader = await apiKeyPrincipal(w, w.u.admin, ["users:read"]);
    expect((await w.core.list(reader, {})).total).toBeGreaterThan(0);
    expect((await w.core.get(reader, w.u.member.id)).id).toBe(w.u.member.id);

    const writer = await apiKeyPrincipal(w, w.u.admin, ["users:write", "users:delete"]);
    await expectCode(w.core.list(writer, {}), "FORBIDDEN");

    const revoked = await apiKeyPrincipal(w, w.u.admin, ["users:read"], { revokedAt: new Date() });
    await expectCode(w.core.list(revoked, {}), "UNAUTHENTICATED");
    const expired = await apiKeyPrincipal(w, w.u.admin, ["users:read"], { expiresAt: new Date(Date.now() - 1) });
    await expectCode(w.core.get(expired, w.u.member.id), "UNAUTHENTICATED");

    // A key id that belongs to someone else, or none at all.
    await expectCode(w.core.list({ ...reader, userId: w.u.admin2.id, email: w.u.admin2.email }, {}), "UNAUTHENTICATED");
    await expectCode(w.core.list({ ...reader, apiKeyId: undefined }, {}), "UNAUTHENTICATED");
  });

  it("an auditor's key cannot read more than the auditor, and a member's key reads nothing", async () => {
    const memberKey = await apiKeyPrincipal(w, w.u.member, ["users:read"]);
    await expectCode(w.core.list(memberKey, {}), "FORBIDDEN");
  });
});
