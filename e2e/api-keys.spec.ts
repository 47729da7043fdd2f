import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { E2E_ADMIN_PASSWORD } from "../playwright.config";

// Each test signs in, runs axe twice and round-trips the API: slower than the default budget.
test.describe.configure({ timeout: 120_000 });

async function signIn(page: Page, email = "admin@acme.example") {
  await page.goto("/sign-in");
  await page.getByRole("textbox", { name: "Email" }).fill(email);
  await page.getByLabel("Password").fill(E2E_ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
}

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.length})`);
}

test("create an API key, use it against /api/v1, revoke it: 401", async ({ page, request }) => {
  await signIn(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "API keys" }).click();
  await expect(page.getByRole("heading", { name: "API keys" })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  // Nothing chosen: the form says what is missing.
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByText("Name the key")).toBeVisible();
  await expect(page.getByText("Choose at least one scope")).toBeVisible();

  await page.getByRole("textbox", { name: "Key name" }).fill("e2e sync");
  await page.getByRole("checkbox", { name: /users:read/ }).check();
  await page.getByRole("combobox", { name: "Expires" }).selectOption({ label: "In 30 days" });
  await page.getByRole("button", { name: "Create key" }).click();

  const shown = page.getByRole("region", { name: "New API key" });
  await expect(shown).toBeVisible();
  const token = await shown.getByRole("textbox", { name: "New API key" }).inputValue();
  expect(token).toMatch(/^rk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
  await expect(shown.getByRole("textbox", { name: "New API key" })).toBeFocused();
  expect(await seriousViolations(page)).toEqual([]);

  const table = page.getByRole("table", { name: "Your keys" });
  const row = table.getByRole("row", { name: /e2e sync/ });
  await expect(row).toContainText(token.slice(0, 15));
  await expect(row).toContainText("users:read");
  await expect(row).not.toContainText(token.slice(16));

  const ok = await request.get("/api/v1/users?limit=5", { headers: { authorization: `Bearer ${token}` } });
  expect(ok.status()).toBe(200);
  expect(ok.headers()["x-request-id"]).toBeTruthy();
  const page1 = (await ok.json()) as { data: { email: string }[]; total: number };
  expect(page1.data).toHaveLength(5);
  // The key is read-only: a write is FORBIDDEN.
  const write = await request.post("/api/v1/users", {
    headers: { authorization: `Bearer ${token}` },
    data: { email: "never@acme.example" },
  });
  expect(write.status()).toBe(403);
  expect(((await write.json()) as { error: { code: string } }).error.code).toBe("FORBIDDEN");

  // Last use shows up after a reload.
  await page.getByRole("button", { name: "Done" }).click();
  await page.reload();
  await expect(table.getByRole("row", { name: /e2e sync/ }).getByRole("cell").nth(4)).not.toHaveText("Never");

  await table.getByRole("row", { name: /e2e sync/ }).getByRole("button", { name: "Revoke e2e sync" }).click();
  const dialog = page.getByRole("alertdialog", { name: "Revoke e2e sync?" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Revoke key" }).click();
  await expect(page.getByRole("alertdialog")).toHaveCount(0);
  await expect(table.getByRole("row", { name: /e2e sync/ })).toContainText("Revoked");

  const denied = await request.get("/api/v1/users", { headers: { authorization: `Bearer ${token}` } });
  expect(denied.status()).toBe(401);
  const body = (await denied.json()) as { error: { code: string; requestId: string } };
  expect(body.error.code).toBe("UNAUTHENTICATED");
  expect(body.error.requestId).toBe(denied.headers()["x-request-id"]);
});

test("the API reference page is rendered from the OpenAPI document, and served as JSON without a key", async ({ page, request }) => {
  const doc = await request.get("/api/v1/openapi.json");
  expect(doc.status()).toBe(200);
  expect(((await doc.json()) as { openapi: string }).openapi).toBe("3.1.0");
  await signIn(page);
  await page.goto("/settings/api-keys");
  await page.getByRole("link", { name: "REST API" }).click();
  await expect(page.getByRole("heading", { name: "API reference", level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: /List users/ })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});
