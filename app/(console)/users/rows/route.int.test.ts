// The users table's rows door: the session decides who calls (none: 401 and the core is never
// reached), the core decides what they may read, the URL's parameters read as the page reads
// them (a bad one falls back to its default), and every error has the one JSON shape.
import { describe, expect, it, vi } from "vitest";
import { consoleErrorOf, type CountingDoorState, setUpCountingDoorWorld } from "@/lib/testing/doors";
import type { World } from "@/lib/testing/fixtures";
import type { ListUsersResult } from "@/lib/users/types";

const state = vi.hoisted((): CountingDoorState => ({ principal: null, core: null, coreCalls: 0 }));

vi.mock("@/lib/auth/session", () => ({ currentPrincipal: async () => state.principal }));
vi.mock("@/lib/users", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/users")>()),
  getUsersCore: async () => {
    state.coreCalls++;
    return state.core!;
  },
}));

const { GET } = await import("./route");

let w: World;
setUpCountingDoorWorld(state, (world) => (w = world));

const get = (query: string) => GET(new Request(`http://roster.test/users/rows${query}`));
const emails = (r: ListUsersResult) => r.data.map((u) => u.email);


describe("GET /users/rows", () => {
  it("without a session: 401 UNAUTHENTICATED, and the core is never called", async () => {
    const res = await get("?q=a.test");
    expect(res.status).toBe(401);
    expect(await consoleErrorOf(res)).toMatchObject({ code: "UNAUTHENTICATED" });
    expect(state.coreCalls).toBe(0);
  });

  it("a member (no access to the users list): 403 FORBIDDEN, nothing listed", async () => {
    state.principal = w.as(w.u.member);
    const res = await get("");
    expect(res.status).toBe(403);
    expect(await consoleErrorOf(res)).toMatchObject({ code: "FORBIDDEN" });
  });

  it("a session with a temporary password: 403 FORBIDDEN until it is changed (SECURITY 12)", async () => {
    const temp = await w.addUser(w.orgA, "temp-rows@a.test", "auditor", "active", { mustChangePassword: true });
    state.principal = w.as(temp);
    const res = await get("");
    expect(res.status).toBe(403);
    expect(await consoleErrorOf(res)).toMatchObject({ code: "FORBIDDEN" });
  });

  it("an auditor: the page the core lists for the same filter, sort and size, not cached", async () => {
    state.principal = w.as(w.u.auditor);
    const res = await get("?status=active&status=invited&role=member&sort=-email&limit=10");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const text = await res.text();
    // The list's DTOs only: no secret column of a users row reaches the browser.
    expect(text).not.toMatch(/password_?hash|session_?version|secret/i);
    const body = JSON.parse(text) as ListUsersResult;
    const direct = await w.core.list(w.as(w.u.auditor), { status: ["active", "invited"], role: ["member"], sort: "-email", limit: 10 });
    expect(emails(body)).toEqual(["member@a.test", "invited@a.test"]);
    expect(body).toEqual(JSON.parse(JSON.stringify(direct)));
  });

  it("the caller's organization only: org B's users are not in org A's search", async () => {
    state.principal = w.as(w.u.admin);
    const body = (await (await get("?q=b.test")).json()) as ListUsersResult;
    expect(emails(body)).toEqual([]);
  });

  it("bad parameters read as their defaults, as on the page (an unknown sort, a page size not offered)", async () => {
    state.principal = w.as(w.u.admin);
    const bad = (await (await get("?sort=password_hash&limit=7&status=root")).json()) as ListUsersResult;
    const plain = (await (await get("")).json()) as ListUsersResult;
    const defaults = await w.core.list(w.as(w.u.admin), { sort: "name", limit: 50 });
    expect(emails(plain)).toEqual(emails(defaults));
    expect(emails(bad)).toEqual(emails(defaults));
  });

  it("a cursor that means nothing (tampered, or from another sort): page 1, not an error", async () => {
    state.principal = w.as(w.u.admin);
    const first = (await (await get("?limit=10&sort=email")).json()) as ListUsersResult;
    const res = await get("?limit=10&sort=email&cursor=not-a-cursor");
    expect(res.status).toBe(200);
    expect(emails((await res.json()) as ListUsersResult)).toEqual(emails(first));
  });
});
