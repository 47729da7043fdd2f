import { expect, test } from "@playwright/test";
import { E2E_ADMIN_PASSWORD } from "../playwright.config";

test.use({ colorScheme: "dark" });

test("the theme follows the system, and the toggle overrides it across reloads", async ({ page }) => {
  await page.goto("/sign-in");
  const html = page.locator("html");
  await expect(html).toHaveClass(/\bdark\b/);

  await page.getByRole("textbox", { name: "Email" }).fill("auditor@acme.example");
  await page.getByLabel("Password").fill(E2E_ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();

  await page.getByRole("button", { name: /^Theme: follow the system/ }).click();
  await expect(html).not.toHaveClass(/\bdark\b/); // light
  await page.reload();
  await expect(html).not.toHaveClass(/\bdark\b/);
  await page.getByRole("button", { name: /^Theme: light/ }).click();
  await expect(html).toHaveClass(/\bdark\b/); // dark
  await page.getByRole("button", { name: /^Theme: dark/ }).click();
  await expect(page.getByRole("button", { name: /^Theme: follow the system/ })).toBeVisible();
  await expect(html).toHaveClass(/\bdark\b/); // the system is dark
});
