// "Reset password" in the drawer, end to end: the user's password and sessions end at once,
// the emailed link lets them choose a new one, and they land signed in with it.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { E2E_ADMIN_PASSWORD } from "../playwright.config";
import { linkIn, mailsTo, waitForMail } from "./support/mail";

const FAILED = "The email or password is not right.";

async function signIn(page: Page, email: string, password: string) {
  await page.goto("/sign-in");
  await page.getByRole("textbox", { name: "Email" }).fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

const fresh = async (browser: Browser) => (await browser.newContext()).newPage();

async function confirm(page: Page, opener: string, confirmLabel: string) {
  await page.getByRole("dialog").last().getByRole("button", { name: opener, exact: true }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: confirmLabel, exact: true }).click();
  await expect(page.getByRole("alertdialog")).toHaveCount(0);
}

test("an admin's reset emails a link; the old password stops working; the user sets a new one and is signed in", async ({ browser }) => {
  test.setTimeout(120_000); // several argon2 hashes and sign-ins on a busy machine
  const admin = await fresh(browser);
  await signIn(admin, "admin@acme.example", E2E_ADMIN_PASSWORD);
  await expect(admin.getByRole("heading", { name: "Overview" })).toBeVisible();
  await admin.goto("/users?status=active&role=member&sort=name");
  const row = admin.getByRole("table", { name: "Users" }).locator("tbody tr").nth(1);
  const name = (await row.locator("td:nth-child(2)").innerText()).trim();
  const email = (await row.locator("td:nth-child(3)").innerText()).trim();
  await admin.getByRole("button", { name, exact: true }).click();
  await expect(admin.getByRole("dialog", { name })).toBeVisible();

  // A password the test knows (the demo's users have unknown ones), and a session with it.
  await confirm(admin, "Set temporary password", "Set temporary password");
  const old = await admin.getByLabel("Temporary password (shown once)").inputValue();
  const user = await fresh(browser);
  await signIn(user, email, old);
  await expect(user.getByRole("heading", { name: "Change password" })).toBeVisible();

  const before = (await mailsTo(email)).length;
  await admin.getByRole("dialog", { name }).getByRole("button", { name: "Reset password", exact: true }).click();
  const dialog = admin.getByRole("alertdialog");
  await expect(dialog).toContainText("Their current password stops working and their sessions end.");
  await dialog.getByRole("button", { name: "Send reset link" }).click();
  await expect(admin.getByRole("status").filter({ hasText: `Password reset; a link was emailed to ${email}` })).toBeVisible();

  const mail = await waitForMail(email, before + 1);
  expect(mail.subject).toBe("Choose a new password for Acme on Roster");
  expect(mail.text).toContain("Your previous password no longer works");
  const link = linkIn(mail);
  expect(link).toMatch(/\/reset-password\//);

  // The open session has ended, and the old password no longer signs in.
  await user.reload();
  await expect(user).toHaveURL(/\/sign-in/);
  await signIn(user, email, old);
  await expect(user.getByRole("alert").filter({ hasText: FAILED })).toBeVisible();

  // The link: a page that names the account, with no serious accessibility violation.
  await user.goto(link);
  await expect(user.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await expect(user.getByText(`For ${email} at Acme.`, { exact: false })).toBeVisible();
  const axe = await new AxeBuilder({ page: user }).analyze();
  expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
  const chosen = "a freshly chosen passphrase";
  await user.getByLabel("New password", { exact: true }).fill(chosen);
  await user.getByLabel("Confirm new password").fill("something else entirely");
  await user.getByRole("button", { name: "Set new password" }).click();
  await expect(user.getByText("The passwords do not match")).toBeVisible();
  await user.getByLabel("Confirm new password").fill(chosen);
  await user.getByRole("button", { name: "Set new password" }).click();
  // A member: signed in, on the page that says members have no console.
  await expect(user.getByRole("heading", { name: "No access to the console" })).toBeVisible();
  await expect(user.getByText(`You are signed in as ${email}`)).toBeVisible();

  // The link was single-use, and only the new password works.
  const other = await fresh(browser);
  await other.goto(link);
  await expect(other.getByRole("heading", { name: "This link cannot be used" })).toBeVisible();
  await signIn(other, email, old);
  await expect(other.getByRole("alert").filter({ hasText: FAILED })).toBeVisible();
  await signIn(other, email, chosen);
  await expect(other.getByRole("heading", { name: "No access to the console" })).toBeVisible();
});
