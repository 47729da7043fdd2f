import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorld, type World } from "../testing/fixtures";

let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(() => w?.close());

describe("the core on a fresh database", () => {
  it("lists the caller's org only", async () => {
    const page = await w.core.list(w.as(w.u.admin), {});
    expect(page.data.map((u) => u.email)).toContain("admin@a.test");
    expect(page.data.map((u) => u.email)).not.toContain("admin@b.test");
    expect(page.total).toBe(7);
    expect(page.totalExact).toBe(true);
  });
});
