// The export door: the session decides who calls (none: 401 and the core is never reached),
// the core's answer is streamed as a download, and every error has the one JSON shape.
import { describe, expect, it, vi } from "vitest";
import { consoleErrorOf, type CountingDoorState, setUpCountingDoorWorld } from "@/lib/testing/doors";
import type { World } from "@/lib/testing/fixtures";
import { csvObjects, streamBytes, UTF8_BOM, utf8 } from "@/lib/testing/csv";

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

const get = (query: string) => GET(new Request(`http://roster.test/users/export${query}`));


describe("GET /users/export", () => {
  it("without a session: 401 UNAUTHENTICATED, and the core is never called", async () => {
    const res = await get("?format=json");
    expect(res.status).toBe(401);
    expect(await consoleErrorOf(res)).toMatchObject({ code: "UNAUTHENTICATED" });
    expect(state.coreCalls).toBe(0);
  });

  it("with a session: streams the filtered CSV as an attachment (the default format)", async () => {
    state.principal = w.as(w.u.manager);
    const res = await get("?status=active&status=invited&role=member&sort=-email&limit=1&cursor=x");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8; header=present");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="roster-users-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const bytes = await streamBytes(res.body!);
    expect([...bytes.slice(0, 3)]).toEqual([...UTF8_BOM]);
    const rows = csvObjects(utf8(bytes).slice(1));
    expect(rows.map((r) => r.email)).toEqual(["member@a.test", "invited@a.test"]);
    expect(state.coreCalls).toBe(1);
  });

  it("format=json and format=ndjson", async () => {
    state.principal = w.as(w.u.auditor);
    const json = await get("?format=json&q=b.test");
    expect(json.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(json.headers.get("content-disposition")).toMatch(/\.json"$/);
    expect(await json.json()).toEqual([]);
    const nd = await get("?format=ndjson&email=admin%40a.test");
    expect(nd.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
    const lines = (await nd.text()).trim().split("\n").map((l) => JSON.parse(l) as { email: string });
    expect(lines.map((l) => l.email)).toEqual(["admin@a.test"]);
  });

  it("a bad format or filter: 422 VALIDATION naming the field", async () => {
    state.principal = w.as(w.u.admin);
    let res = await get("?format=xlsx");
    expect(res.status).toBe(422);
    expect(await consoleErrorOf(res)).toMatchObject({ code: "VALIDATION", fields: { format: [expect.any(String)] } });
    res = await get("?format=csv&format=json");
    expect(res.status).toBe(422);
    res = await get("?status=sleeping");
    expect(res.status).toBe(422);
    expect((await consoleErrorOf(res)).fields).toHaveProperty(["status.0"]);
  });

  it("a member: 403 FORBIDDEN in the error shape", async () => {
    state.principal = w.as(w.u.member);
    const res = await get("");
    expect(res.status).toBe(403);
    expect(await consoleErrorOf(res)).toMatchObject({ code: "FORBIDDEN" });
  });
});
