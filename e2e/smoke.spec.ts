import { expect, test } from "@playwright/test";

test("the app starts on the embedded database and reports healthy", async ({ page, request }) => {
  const health = await request.get("/api/health");
  expect(health.status()).toBe(200);
  expect(await health.json()).toMatchObject({ ok: true, database: "pglite" });

  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Roster" })).toBeVisible();
  await expect(page.getByText("Embedded (PGlite)")).toBeVisible();
});
