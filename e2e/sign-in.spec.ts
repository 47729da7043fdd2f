import { expect, test, type Page } from "@playwright/test";
import { E2E_ADMIN_PASSWORD } from "../playwright.config";

async function signIn(page: Page, email: string, password = E2E_ADMIN_PASSWORD) {
  await page.goto("/sign-in");
  await page.getByRole("textbox", { name: "Email" }).fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

const ROLES = [
  { email: "admin@acme.example", role: "admin", links: ["Overview", "Users", "Audit log", "API keys"] },
  { email: "manager@acme.example", role: "manager", links: ["Overview", "Users", "API keys"] },
  { email: "auditor@acme.example", role: "auditor", links: ["Overview", "Users", "Audit log", "API keys"] },
];

for (const { email, role, links } of ROLES) {
  test(`${role} signs in and sees the navigation of their role`, async ({ page }) => {
    await signIn(page, email);
    await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link")).toHaveText(links);
    await expect(page.getByText(`· ${role} · Acme`)).toBeVisible();
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in/);
  });
}

test("a member signs in to a clear no-access page", async ({ page }) => {
  await signIn(page, "member@acme.example");
  await expect(page.getByRole("heading", { name: "No access to the console" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" })).toHaveCount(0);
});

test("a wrong password and an unknown email get the same message", async ({ page }) => {
  // (Next's route announcer is an empty alert too: look for ours by its text.)
  const failure = page.getByRole("alert").filter({ hasText: "The email or password is not right." });
  await signIn(page, "admin@acme.example", "not the password at all");
  await expect(failure).toBeVisible();
  await signIn(page, "nobody@acme.example", "not the password at all");
  await expect(failure).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in/);
});
