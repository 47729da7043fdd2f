// The audit export door: no session → 401 before the core runs; a manager → 403 (audited by the
// core); an auditor gets the filtered file as a download; bad input → 422 in the one error shape.
import { describe, expect, it, vi } from "vitest";
import { consoleErrorOf, type CountingDoorState, setUpCountingDoorWorld } from "@/lib/testing/doors";
import type { World } from "@/lib/testing/fixtures";
import { csvObjects, streamBytes, UTF8_BOM, utf8 } from "@/lib/testing/csv";
import { auditMark } from "@/lib/testing/helpers";

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
setUpCountingDoorWorld(state, (world) => (w = world), async (world) => {
  await world.core.update(world.as(world.u.admin), world.u.member.id, { name: "=HYPERLINK(\"http://x\")" });
  await world.core.changeRole(world.as(world.u.admin), world.u.member.id, { role: "manager" });
});

const get = (query: string) => GET(new Request(`http://roster.test/audit/export${query}`));

describe("GET /audit/export", () => {
  it("without a session: 401, and the core is never called", async () => {
    const res = await get("?format=csv");
    expect(res.status).toBe(401);
    expect((await consoleErrorOf(res)).code).toBe("UNAUTHENTICATED");
    expect(state.coreCalls).toBe(0);
  });

  it("a manager: 403, and the refusal is audited", async () => {
    state.principal = w.as(w.u.manager);
    const mark = await auditMark(w);
    const res = await get("?format=csv");
    expect(res.status).toBe(403);
    expect((await consoleErrorOf(res)).code).toBe("FORBIDDEN");
    expect(await mark.since()).toMatchObject([{ action: "audit.exported", outcome: "refused", actorId: w.u.manager.id }]);
  });

  it("an auditor: the filtered events as a CSV download, formulas neutralized", async () => {
    state.principal = w.as(w.u.auditor);
    const res = await get(`?format=csv&target=${encodeURIComponent("MEMBER@a.test")}&action=user.updated&action=user.role_changed&limit=10&cursor=x`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="roster-audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const bytes = await streamBytes(res.body!);
    expect([...bytes.slice(0, 3)]).toEqual([...UTF8_BOM]);
    const rows = csvObjects(utf8(bytes).slice(1));
    expect(rows.map((r) => r.action)).toEqual(["user.role_changed", "user.updated"]);
    expect(JSON.parse(rows[1]!.changes!)).toEqual({ name: { old: "member", new: "=HYPERLINK(\"http://x\")" } });
    expect(rows.every((r) => r.targetId === w.u.member.id)).toBe(true);
  });

  it("bad input: 422 with the field named", async () => {
    state.principal = w.as(w.u.auditor);
    expect((await consoleErrorOf(await get("?format=xlsx"))).code).toBe("VALIDATION");
    const e = await consoleErrorOf(await get("?from=2026-05-02&to=2026-05-01"));
    expect(e.code).toBe("VALIDATION");
    expect(e.fields?.to).toBeDefined();
    expect((await get("?orgId=x")).status).toBe(422);
  });
});
