// An invitation by email, end to end: the app sends it through SMTP to the capture server, the
// invitee opens the link from the message, chooses a password and lands signed in; a used or
// expired link gets the one generic refusal, and a resend works after expiry.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { E2E_ADMIN_PASSWORD, E2E_SHORT_TTL_SECONDS, E2E_SHORT_TTL_URL } from "../playwright.config";
import { linkIn, mailsTo, waitForMail } from "./support/mail";

const INVALID = "This link is invalid or has expired. Ask your administrator for a new one.";

/** A signed-in admin of the app at `base` (each app gets its own browser context: cookies ignore ports). */
async function adminPage(browser: Browser, base = "") {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${base}/sign-in`);
  await page.getByRole("textbox", { name: "Email" }).fill("admin@acme.example");
  await page.getByLabel("Password").fill(E2E_ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  return page;
}

/** Opens the drawer of the first user of a filtered list; answers [name, email]. */
async function openFirst(page: Page, base: string, query: string): Promise<[string, string]> {
  await page.goto(`${base}/users?${query}`);
  const row = page.getByRole("table", { name: "Users" }).locator("tbody tr").first();
  await expect(row).toBeVisible();
  const name = (await row.locator("td:nth-child(2)").innerText()).trim();
  const email = (await row.locator("td:nth-child(3)").innerText()).trim();
  await page.getByRole("button", { name, exact: true }).click();
  await expect(page.getByRole("dialog", { name })).toBeVisible();
  return [name, email];
}

async function resend(admin: Page, name: string, email: string) {
  await admin.getByRole("dialog", { name }).getByRole("button", { name: "Resend invitation" }).click();
  await expect(admin.getByRole("status").filter({ hasText: `Invitation sent to ${email}` }).last()).toBeVisible();
}

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help}`);
}

async function accept(page: Page, password: string) {
  await page.getByLabel("New password", { exact: true }).fill(password);
  await page.getByLabel("Confirm new password").fill(password);
  await page.getByRole("button", { name: "Accept invitation" }).click();
}

test("the invitee opens the emailed link, sets a password and lands signed in; the used link is refused", async ({ browser }) => {
  test.setTimeout(120_000); // several argon2 hashes and sign-ins on a busy machine
  const admin = await adminPage(browser);
  const [name, email] = await openFirst(admin, "", "status=invited&role=manager&sort=email");
  const before = (await mailsTo(email)).length;
  await resend(admin, name, email);

  const mail = await waitForMail(email, before + 1);
  expect(mail.to).toEqual([email.toLowerCase()]);
  expect(mail.subject).toBe("Avery Admin invited you to Acme on Roster");
  expect(mail.text).toContain("Avery Admin (admin@acme.example) invited you to join Acme on Roster as a manager.");
  expect(mail.text).toMatch(/expires on \w+, \d+ \w+ \d{4}, \d\d:\d\d UTC/);
  const link = linkIn(mail);
  expect(mail.html).toContain(`href="${link}"`);

  // Opening the link (as a mail scanner would, twice) consumes nothing.
  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(link);
  await invitee.reload();
  await expect(invitee.getByRole("heading", { name: "Join Acme on Roster" })).toBeVisible();
  await expect(invitee.getByText("Avery Admin invited you to join Acme as manager.")).toBeVisible();
  await expect(invitee.getByText(/This invitation expires on/)).toBeVisible();
  await expect(invitee.getByLabel("Your name")).toHaveValue(name);
  expect(await seriousViolations(invitee)).toEqual([]);

  // The shared policy answers on the field, and the link still works afterwards.
  await accept(invitee, "short");
  await expect(invitee.getByText("Use at least 8 characters")).toBeVisible();
  await accept(invitee, "password1");
  await expect(invitee.getByText("This password is too common; choose another")).toBeVisible();
  const password = "an invitee's own passphrase";
  await invitee.getByLabel("Your name").fill(`${name} Jr`);
  await accept(invitee, password);
  await expect(invitee.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(invitee.getByText(`${name} Jr`)).toBeVisible();
  await expect(invitee.getByText("· manager · Acme")).toBeVisible();

  // A second GET after redemption: the one generic refusal.
  const later = await (await browser.newContext()).newPage();
  await later.goto(link);
  await expect(later.getByRole("heading", { name: "This link cannot be used" })).toBeVisible();
  await expect(later.getByRole("alert").filter({ hasText: INVALID })).toBeVisible();
  await expect(later.getByLabel("New password", { exact: true })).toHaveCount(0);
  expect(await seriousViolations(later)).toEqual([]);

  // The admin sees them active.
  await admin.reload();
  await expect(admin.getByRole("dialog", { name: `${name} Jr` })).toContainText("Active");
});

test("an expired link is refused; a resend sends a fresh one that works", async ({ browser }) => {
  test.setTimeout(180_000);
  // The second app: its invitation links live E2E_SHORT_TTL_SECONDS.
  const base = E2E_SHORT_TTL_URL;
  const admin = await adminPage(browser, base);
  const [name, email] = await openFirst(admin, base, "status=invited&role=member&sort=-email");
  const before = (await mailsTo(email)).length;
  const sentAt = Date.now();
  await resend(admin, name, email);
  const first = linkIn(await waitForMail(email, before + 1));
  expect(first.startsWith(`${base}/invite/`)).toBe(true);

  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(first);
  await expect(invitee.getByRole("heading", { name: "Join Acme on Roster" })).toBeVisible();
  // Once its time is up, the same link is refused like any dead link.
  await invitee.waitForTimeout(Math.max(0, sentAt + E2E_SHORT_TTL_SECONDS * 1000 + 1_000 - Date.now()));
  await invitee.goto(first);
  await expect(invitee.getByRole("heading", { name: "This link cannot be used" })).toBeVisible();
  await expect(invitee.getByRole("alert").filter({ hasText: INVALID })).toBeVisible();

  await admin.reload();
  const drawer = admin.getByRole("dialog", { name });
  await expect(drawer.getByText(/^Expired on/)).toBeVisible();
  await resend(admin, name, email);
  const second = linkIn(await waitForMail(email, before + 2));
  expect(second).not.toBe(first);
  await invitee.goto(second);
  await accept(invitee, "a member's fresh passphrase");
  // Members have no console: signed in, they see the no-access page.
  await expect(invitee.getByRole("heading", { name: "No access to the console" })).toBeVisible();
  await expect(invitee.getByText(`You are signed in as ${email}`)).toBeVisible();
  // The first link stays dead.
  await invitee.goto(first);
  await expect(invitee.getByRole("heading", { name: "This link cannot be used" })).toBeVisible();
});

test("a manager's invitation from the dialog arrives by email; the invitee joins as a member", async ({ browser }) => {
  test.setTimeout(120_000);
  const manager = await (await browser.newContext()).newPage();
  await manager.goto("/sign-in");
  await manager.getByRole("textbox", { name: "Email" }).fill("manager@acme.example");
  await manager.getByLabel("Password").fill(E2E_ADMIN_PASSWORD);
  await manager.getByRole("button", { name: "Sign in" }).click();
  await expect(manager.getByRole("heading", { name: "Overview" })).toBeVisible();
  await manager.goto("/users");
  await manager.getByRole("button", { name: "Invite users" }).click();
  const dialog = manager.getByRole("dialog", { name: "Invite users" });
  const email = `mailed.${Date.now().toString(36)}@acme.example`;
  await dialog.getByRole("textbox", { name: "Email addresses" }).fill(email);
  await dialog.getByRole("combobox", { name: "Role" }).selectOption("member");
  await dialog.getByRole("radio", { name: /Email an invitation link/ }).check();
  await dialog.getByRole("button", { name: "Invite", exact: true }).click();
  await expect(dialog.getByRole("table", { name: "Results" })).toContainText("Invitation email queued");

  const mail = await waitForMail(email, 1);
  expect(mail.subject).toBe("Morgan Manager invited you to Acme on Roster");
  expect(mail.text).toContain("as a member.");
  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(linkIn(mail));
  await expect(invitee.getByText("Morgan Manager invited you to join Acme as member.")).toBeVisible();
  await invitee.getByLabel("Your name").fill("Mailed Member");
  await accept(invitee, "a mailed member's passphrase");
  await expect(invitee.getByRole("heading", { name: "No access to the console" })).toBeVisible();
});
