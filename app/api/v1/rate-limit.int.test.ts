// The per-key rate limit at the API door: over API_RATE_LIMIT_PER_MINUTE, 429 RATE_LIMITED with
// Retry-After, before the body runs; another key has its own budget.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createWorld, type World } from "@/lib/testing/fixtures";
import { uniqueEmail } from "@/lib/testing/helpers";
import type { UsersCore } from "@/lib/users";
import { callApi, type ApiErrorJson } from "./_testing/call";

const state = vi.hoisted(() => {
  process.env.API_RATE_LIMIT_PER_MINUTE = "3";
  delete (globalThis as { __rosterApiLimiter?: unknown }).__rosterApiLimiter;
  return { core: null as UsersCore | null };
});
vi.mock("@/lib/users", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/users")>()),
  getUsersCore: async () => state.core!,
}));

let w: World;
beforeAll(async () => {
  w = await createWorld();
  state.core = w.core;
  vi.spyOn(console, "info").mockImplementation(() => {});
});
afterAll(() => w?.close());

describe("per-key rate limit", () => {
  it("the 4th request in a minute: 429 RATE_LIMITED with Retry-After, nothing done; other keys unaffected", async () => {
    const key = (await w.core.createApiKey(w.as(w.u.admin), { name: "busy", scopes: ["users:read", "users:write"] })).token;
    for (let i = 0; i < 3; i++) {
      const res = await callApi("GET", "/users?limit=1", { key });
      expect(res.status).toBe(200);
      expect(res.headers.get("ratelimit-limit")).toBe("3");
      expect(res.headers.get("ratelimit-remaining")).toBe(String(2 - i));
    }
    const email = uniqueEmail("limited");
    const res = await callApi("POST", "/users", { key, body: { email } });
    expect(res.status).toBe(429);
    const retry = Number(res.headers.get("retry-after"));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);
    const body = (await res.json()) as ApiErrorJson;
    expect(body.error).toMatchObject({ code: "RATE_LIMITED", requestId: res.headers.get("x-request-id") });
    expect((await w.core.list(w.as(w.u.admin), { email })).data).toEqual([]);
    const other = (await w.core.createApiKey(w.as(w.u.admin), { name: "calm", scopes: ["users:read"] })).token;
    expect((await callApi("GET", "/users?limit=1", { key: other })).status).toBe(200);
  });
});
