import { expect, test, type Page } from "@playwright/test";
import { E2E_ADMIN_PASSWORD } from "../playwright.config";

const FAILED = "The email or password is not right.";

async function signIn(page: Page, email: string, password: string) {
  await page.goto("/sign-in");
  await page.getByRole("textbox", { name: "Email" }).fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("change password: the current one is required, the policy holds, and the new one works", async ({ page }) => {
  // Globex's admin: an account no other spec signs in with.
  const email = "admin@globex.example";
  const next = "a brand new passphrase 🦊";
  await signIn(page, email, E2E_ADMIN_PASSWORD);
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await page.getByRole("link", { name: "Change password" }).click();
  await expect(page.getByRole("heading", { name: "Change password" })).toBeVisible();

  await page.getByLabel("Current password").fill("not my password");
  await page.getByLabel("New password", { exact: true }).fill(next);
  await page.getByLabel("Confirm new password").fill(next);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("The current password is not right")).toBeVisible();

  await page.getByLabel("Current password").fill(E2E_ADMIN_PASSWORD);
  await page.getByLabel("New password", { exact: true }).fill("password123");
  await page.getByLabel("Confirm new password").fill("password123");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("This password is too common; choose another")).toBeVisible();

  await page.getByLabel("New password", { exact: true }).fill(next);
  await page.getByLabel("Confirm new password").fill(next);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await signIn(page, email, E2E_ADMIN_PASSWORD);
  await expect(page.getByRole("alert").filter({ hasText: FAILED })).toBeVisible();
  await signIn(page, email, next);
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
});

test("after 5 failures across case variants the account is locked, with the same message", async ({ page }) => {
  const variants = ["homer@globex.example", "HOMER@globex.example", " Homer@Globex.Example", "homer@GLOBEX.example", "hOmEr@globex.example"];
  for (const v of variants) {
    await signIn(page, v, "doh, wrong again");
    await expect(page.getByRole("alert").filter({ hasText: FAILED })).toBeVisible();
  }
  // The right password now gets the very same answer: the account is locked for a while.
  await signIn(page, "homer@globex.example", E2E_ADMIN_PASSWORD);
  await expect(page.getByRole("alert").filter({ hasText: FAILED })).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in/);
});
