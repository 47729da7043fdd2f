// The API keys page's actions at their door: the session decides who calls (faked here), the
// real core decides what they may do (SECURITY 2: nobody mints a key above their role).
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { apiKeys } from "@/lib/db/schema";
import { type DoorState, setUpDoorWorld } from "@/lib/testing/doors";
import type { World } from "@/lib/testing/fixtures";

const state = vi.hoisted((): DoorState => ({ principal: null, world: null }));
vi.mock("@/lib/auth/session", () => ({ currentPrincipal: async () => state.principal }));
vi.mock("@/lib/users", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/users")>()),
  getUsersCore: async () => state.world!.core,
}));

const { createApiKeyAction, revokeApiKeyAction } = await import("./actions");

let w: World;
setUpDoorWorld(state, (world) => (w = world));
const keysOf = (userId: string) => w.database.db.select().from(apiKeys).where(eq(apiKeys.userId, userId));

describe("API keys actions", () => {
  it("within the role: created, the key returned once", async () => {
    state.principal = w.as(w.u.auditor);
    const result = await createApiKeyAction({ name: "audit export", scopes: ["users:read", "audit:read"], expiresInDays: 30 });
    expect(result).toMatchObject({ ok: true, data: { key: { name: "audit export", state: "active" }, token: expect.stringMatching(/^rk_/) } });
  });

  for (const [who, scopes] of [["manager", ["users:delete"]], ["manager", ["audit:read"]], ["auditor", ["users:write"]]] as const) {
    it(`a ${who} asking for ${scopes.join(", ")}: FORBIDDEN, no key`, async () => {
      state.principal = w.as(w.u[who]);
      const before = (await keysOf(w.u[who].id)).length;
      expect(await createApiKeyAction({ name: "above", scopes: [...scopes] })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
      expect((await keysOf(w.u[who].id)).length).toBe(before);
    });
  }

  it("a member: FORBIDDEN; crafted fields: VALIDATION", async () => {
    state.principal = w.as(w.u.member);
    expect(await createApiKeyAction({ name: "m", scopes: ["users:read"] })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    state.principal = w.as(w.u.admin);
    expect(await createApiKeyAction({ name: "x", scopes: ["users:read"], userId: w.u.admin2.id })).toMatchObject({ ok: false, error: { code: "VALIDATION" } });
  });

  it("revoke: one's own key only (someone else's is NOT_FOUND and lives on)", async () => {
    state.principal = w.as(w.u.admin2);
    const made = await createApiKeyAction({ name: "admin2's", scopes: ["users:read"] });
    if (!made.ok) throw new Error(made.error.message);
    state.principal = w.as(w.u.admin);
    expect(await revokeApiKeyAction(made.data.key.id)).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    state.principal = w.as(w.u.admin2);
    expect(await revokeApiKeyAction(made.data.key.id)).toMatchObject({ ok: true, data: { state: "revoked" } });
  });
});
