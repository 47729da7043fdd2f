// Every exported server action, called with no session, must answer UNAUTHENTICATED without
// running its body: neither the user API (either transport) nor the core is ever reached. New
// actions files are picked up automatically.
import { beforeEach, describe, expect, it, vi } from "vitest";

const coreCalls = vi.hoisted(() => ({ count: 0, api: [] as string[] }));

vi.mock("next-auth", () => ({ getServerSession: async () => null, default: () => () => null }));
vi.mock("next/headers", () => ({ headers: async () => new Headers(), cookies: async () => new Map() }));
vi.mock("@/lib/auth/options", () => ({ authOptions: {} }));
vi.mock("@/lib/users", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/users")>()),
  getUsersCore: () => {
    coreCalls.count++;
    throw new Error("the core was reached without a session");
  },
}));

// The seam the actions use: every method of the user API counts and fails.
vi.mock("@/lib/user-api", () => ({
  userApi: () =>
    new Proxy(
      {},
      {
        get: (_t, method) => () => {
          coreCalls.api.push(String(method));
          throw new Error(`the user API (${String(method)}) was reached without a session`);
        },
      },
    ),
}));

const modules = import.meta.glob("/app/**/actions.ts");

// The only exports allowed to run without a session: their credential is a single-use link's
// token, which the core checks (their doors are tested in their own actions.int.test.ts).
const TOKEN_ACTIONS: Record<string, string[]> = {
  "/app/(auth)/invite/[token]/actions.ts": ["acceptInvitationAction"],
  "/app/(auth)/reset-password/[token]/actions.ts": ["completePasswordResetAction"],
};

describe("server actions without a session", () => {
  beforeEach(() => {
    coreCalls.count = 0;
    coreCalls.api = [];
  });

  it("finds the actions files", () => {
    expect(Object.keys(modules).length).toBeGreaterThan(0);
  });

  for (const [path, load] of Object.entries(modules)) {
    it(`${path}: every export refuses with UNAUTHENTICATED and runs nothing`, async () => {
      const mod = (await load()) as Record<string, unknown>;
      const all = Object.entries(mod).filter(([, v]) => typeof v === "function");
      const tokenActions = TOKEN_ACTIONS[path] ?? [];
      for (const name of tokenActions) expect(all.map(([n]) => n), `${path} exports ${name}`).toContain(name);
      const actions = all.filter(([name]) => !tokenActions.includes(name));
      expect(all.length).toBeGreaterThan(0);
      for (const [name, action] of actions) {
        const result = await (action as (...a: unknown[]) => Promise<unknown>)(
          { id: "00000000-0000-0000-0000-000000000000", role: "admin", password: "x" },
          "00000000-0000-0000-0000-000000000000",
        );
        expect(result, name).toMatchObject({ ok: false, error: { code: "UNAUTHENTICATED" } });
      }
      expect(coreCalls.count).toBe(0);
      expect(coreCalls.api).toEqual([]);
    }, 30_000); // the first import of an actions file loads the whole server graph
  }
});
