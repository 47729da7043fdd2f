import { expect, test, type Page } from "@playwright/test";
import { E2E_OIDC_NAME } from "../playwright.config";

// Single sign-on against the local OpenID Provider of e2e/support/idp.mjs (a real
// node-oidc-provider: discovery, authorization code + PKCE + state, signed ID tokens, UserInfo).

const NO_ACCESS = "That account has no access to Roster. Ask an administrator to invite you with the same email.";

/** From Roster's sign-in page through the IdP's login form, and back to Roster. */
async function signInWithSso(page: Page, email: string, { verified = true } = {}) {
  await page.goto("/sign-in");
  await page.getByRole("button", { name: `Continue with ${E2E_OIDC_NAME}` }).click();
  await expect(page).toHaveURL(/\/interaction\//);
  await expect(page.getByRole("heading", { name: "Test IdP" })).toBeVisible();
  await page.getByRole("textbox", { name: "Email" }).fill(email);
  await page.getByRole("checkbox", { name: "Email verified" }).setChecked(verified);
  await page.getByRole("button", { name: "Sign in" }).click();
  // The IdP sends the browser to Roster's callback, which redirects once more.
  const app = new URL(test.info().project.use.baseURL!).origin;
  await page.waitForURL((url) => url.origin === app && !url.pathname.startsWith("/api/auth/"));
}

async function expectRefused(page: Page) {
  await expect(page).toHaveURL(/\/sign-in\?error=sso$/);
  // (Next's route announcer is an empty alert too: look for ours by its text.)
  await expect(page.getByRole("alert").filter({ hasText: NO_ACCESS })).toBeVisible();
  // Not signed in: the console still sends us back to sign in.
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole("heading", { name: "Sign in to Roster" })).toBeVisible();
}

test("the sign-in page offers the configured single sign-on", async ({ page }) => {
  await page.goto("/sign-in");
  await expect(page.getByRole("button", { name: `Continue with ${E2E_OIDC_NAME}` })).toBeVisible();
  await expect(page.getByRole("alert").filter({ hasText: NO_ACCESS })).toHaveCount(0);
});

test("an auditor signs in through the identity provider", async ({ page }) => {
  await signInWithSso(page, "auditor@acme.example");
  await expect(page).toHaveURL("/");
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(page.getByRole("banner")).toContainText("· auditor · Acme");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link")).toHaveText(["Overview", "Users", "Audit log", "API keys"]);
  // A real session: it survives a reload and ends with sign-out.
  await page.reload();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
});

test("an email with no account is sent back to sign in, not signed in", async ({ page }) => {
  await signInWithSso(page, "nobody@acme.example");
  await expectRefused(page);
});

test("an email the identity provider has not verified is refused, even for an existing account", async ({ page }) => {
  await signInWithSso(page, "auditor@acme.example", { verified: false });
  await expectRefused(page);
});

test("a member signs in through the identity provider to the no-access page", async ({ page }) => {
  await signInWithSso(page, "member@acme.example");
  await expect(page.getByRole("heading", { name: "No access to the console" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" })).toHaveCount(0);
});
