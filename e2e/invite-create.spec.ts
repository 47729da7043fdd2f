import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Locator, type Page } from "@playwright/test";
import { E2E_ADMIN_PASSWORD } from "../playwright.config";

// The demo's personas all sign in with the admin's password (see lib/db/seed.ts).
async function signedIn(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext();
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.getByRole("textbox", { name: "Email" }).fill(email);
  await page.getByLabel("Password").fill(E2E_ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await page.goto("/users");
  await expect(page.getByRole("heading", { name: "Users", exact: true })).toBeVisible();
  return page;
}

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

/** Each row's email, outcome and reason. */
async function cellsOf(rows: Locator) {
  return rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].slice(0, 3).map((td) => td.textContent?.trim())));
}

const tag = () => Date.now().toString(36);

// Several sign-ins and axe runs per test, on a shared machine.
test.describe.configure({ timeout: 120_000 });

test("a manager invites teammates: one outcome per email (duplicate, invalid, taken), links to copy, then resends and revokes from the row", async ({ browser }) => {
  const page = await signedIn(browser, "manager@acme.example");
  const opener = page.getByRole("button", { name: "Invite users" });
  await opener.click();
  const dialog = page.getByRole("dialog", { name: "Invite users" });
  await expect(dialog).toBeVisible();
  // A manager is offered only the roles a manager may grant.
  await expect(dialog.getByRole("combobox", { name: "Role" }).locator("option")).toHaveText(["Manager", "Member"]);
  expect(await seriousViolations(page)).toEqual([]);

  const t = tag();
  const [ana, ben] = [`ana.${t}@acme.example`, `ben.${t}@acme.example`];
  const emails = dialog.getByRole("textbox", { name: "Email addresses" });
  await emails.fill(ana);
  await expect(dialog.getByText("1 address", { exact: false })).toBeVisible();
  await emails.fill(`${ana}, ${ben}\n  ${ana.toUpperCase()} ; not-an-email@ ; Member@Acme.example`);
  await expect(dialog.getByText("5 addresses", { exact: false })).toBeVisible();
  await dialog.getByRole("radio", { name: /No email: copy the links/ }).check();
  await dialog.getByRole("button", { name: "Invite 5 people" }).click();

  const results = dialog.getByRole("table", { name: "Results" });
  await expect(results).toBeVisible();
  await expect(dialog.getByRole("heading", { name: "Results" })).toBeFocused();
  await expect(dialog.getByRole("status")).toHaveText("5 addresses: 2 invited, 1 duplicate, 1 invalid, 1 already a user.");
  const cells = await cellsOf(results.locator("tbody tr"));
  expect(cells.map((c) => c.slice(0, 2))).toEqual([
    [ana, "Invited"],
    [ben, "Invited"],
    [ana.toUpperCase(), "Duplicate"],
    ["not-an-email@", "Invalid"],
    ["Member@Acme.example", "Already a user"],
  ]);
  expect(cells[2]![2]).toBe("Already in this list");
  expect(cells[3]![2]).toMatch(/valid email/);
  expect(cells[4]![2]).toBe("This email already has an account");

  // Mode "none": each new invitee's link, to copy and send by hand.
  const copy = dialog.getByRole("button", { name: `Copy link for ${ben}` });
  await copy.click();
  await expect(copy).toHaveText("Copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(/\/invite\/[A-Za-z0-9_-]{20,}$/);
  await expect(dialog.getByRole("button", { name: /^Copy link for/ })).toHaveCount(2);
  expect(await seriousViolations(page)).toEqual([]);

  // Done: the dialog closes, focus goes back to its button, and the list shows the invitees.
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(opener).toBeFocused();
  await page.getByRole("searchbox", { name: "Search users" }).fill(`.${t}@`);
  const table = page.getByRole("table", { name: "Users" });
  await expect(table.locator("tbody tr")).toHaveCount(2);
  await expect(table.getByRole("row", { name: new RegExp(ana.replace(/\./g, "\\.")) })).toContainText("Invited · pending");

  // The row menu: resend, then revoke (confirmed); each a toast.
  await page.getByRole("button", { name: `Actions for ${ana}` }).click();
  await page.getByRole("menuitem", { name: "Resend invitation" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Invitation sent to ${ana}` })).toBeVisible();
  await expect(page).not.toHaveURL(/user=/); // the menu is not a click on the row
  await page.getByRole("button", { name: `Actions for ${ana}` }).click();
  await page.getByRole("menuitem", { name: "Revoke invitation" }).click();
  const confirm = page.getByRole("alertdialog", { name: `Revoke the invitation to ${ana}?` });
  await confirm.getByRole("button", { name: "Revoke", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: `Invitation to ${ana} revoked` })).toBeVisible();
  await expect(table.getByRole("row", { name: new RegExp(ana.replace(/\./g, "\\.")) })).toContainText("Invited · revoked");
  await expect(page.getByRole("button", { name: `Actions for ${ana}` })).toBeFocused();

  // Active users have no invitation menu.
  await page.getByRole("searchbox", { name: "Search users" }).fill("member@acme.example");
  await expect(table.locator("tbody tr")).toHaveCount(1);
  await expect(page.getByRole("button", { name: "Actions for member@acme.example" })).toHaveCount(0);
});

test("temporary passwords are shown once per invitee, with a copy button", async ({ browser }) => {
  const page = await signedIn(browser, "admin@acme.example");
  await page.getByRole("button", { name: "Invite users" }).click();
  const dialog = page.getByRole("dialog", { name: "Invite users" });
  // An admin may grant any role.
  await expect(dialog.getByRole("combobox", { name: "Role" }).locator("option")).toHaveText(["Admin", "Manager", "Auditor", "Member"]);
  const email = `temp.${tag()}@acme.example`;
  await dialog.getByRole("textbox", { name: "Email addresses" }).fill(email);
  await dialog.getByRole("combobox", { name: "Role" }).selectOption("auditor");
  await dialog.getByRole("textbox", { name: "Name (optional)" }).fill("Tess Temporary");
  await dialog.getByRole("radio", { name: /Temporary password/ }).check();
  await dialog.getByRole("button", { name: "Invite", exact: true }).click();
  const row = dialog.getByRole("table", { name: "Results" }).locator("tbody tr");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("Created");
  const password = (await row.locator("code").innerText()).trim();
  expect(password).toMatch(/^[A-Za-z0-9]{16}$/);
  await dialog.getByRole("button", { name: `Copy password for ${email}` }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(password);
  // Invite more: back to an empty form.
  await dialog.getByRole("button", { name: "Invite more" }).click();
  await expect(dialog.getByRole("textbox", { name: "Email addresses" })).toHaveValue("");
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Invite users" })).toBeFocused();
});

test("an admin creates a user: policy hints as you type, a taken email on the email field, then the new user's drawer", async ({ browser }) => {
  const page = await signedIn(browser, "admin@acme.example");
  const opener = page.getByRole("button", { name: "Create user" });
  await opener.click();
  const dialog = page.getByRole("dialog", { name: "Create user" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("combobox", { name: "Role" }).locator("option")).toHaveText(["Admin", "Manager", "Auditor", "Member"]);
  expect(await seriousViolations(page)).toEqual([]);

  const email = `cleo.${tag()}@acme.example`;
  await dialog.getByRole("textbox", { name: "Name", exact: true }).fill("Cleo Created");
  await dialog.getByRole("textbox", { name: "Email", exact: true }).fill(" Member@ACME.example ");
  await dialog.getByRole("textbox", { name: "Login (optional)" }).fill("cleo");
  await dialog.getByRole("combobox", { name: "Role" }).selectOption("manager");

  // The policy follows what is typed.
  const rule = (label: string) => dialog.getByRole("list", { name: "Password rules" }).getByRole("listitem").filter({ hasText: label });
  const password = dialog.getByLabel("Password", { exact: true });
  await expect(rule("At least 8 characters")).toHaveAttribute("data-met", "false");
  await password.fill("short");
  await expect(rule("At least 8 characters")).toHaveAttribute("data-met", "false");
  await expect(rule("No control characters")).toHaveAttribute("data-met", "true");
  await password.fill("member");
  await expect(rule("Not your email address")).toHaveAttribute("data-met", "false");
  await password.fill("a long enough passphrase");
  await expect(rule("At least 8 characters")).toHaveAttribute("data-met", "true");
  await expect(rule("Not your email address")).toHaveAttribute("data-met", "true");

  // The confirmation is checked by the same schema, on the client first.
  const confirmation = dialog.getByLabel("Confirm password");
  await confirmation.fill("a long enough passphrasE");
  await confirmation.blur();
  await expect(dialog.getByText("The passwords do not match")).toBeVisible();
  await confirmation.fill("a long enough passphrase");
  await expect(dialog.getByText("The passwords do not match")).toHaveCount(0);

  await dialog.getByText("More profile fields (optional)").click();
  await dialog.getByRole("textbox", { name: "Company" }).fill("Acme Corp");
  await dialog.getByRole("checkbox", { name: "Developer" }).check();

  // A taken email (another case, spaces around it) is the server's answer, on the email field.
  await dialog.getByRole("button", { name: "Create user" }).click();
  const emailField = dialog.getByRole("textbox", { name: "Email", exact: true });
  await expect(dialog.getByText("This email already has an account")).toBeVisible();
  await expect(emailField).toHaveAttribute("aria-invalid", "true");
  await expect(emailField).toHaveAccessibleDescription(/This email already has an account/);
  await expect(emailField).toBeFocused();
  expect(await seriousViolations(page)).toEqual([]);

  await emailField.fill(email);
  await dialog.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Created ${email}` })).toBeVisible();
  await expect(page.getByRole("dialog", { name: "Create user" })).toHaveCount(0);
  // The new user's drawer opens.
  const drawer = page.getByRole("dialog", { name: "Cleo Created" });
  await expect(drawer).toBeVisible();
  await expect(drawer).toContainText(`${email} · Manager · Active`);
  await expect(drawer.getByRole("textbox", { name: "Company" })).toHaveValue("Acme Corp");
  await expect(drawer.getByRole("textbox", { name: "Login" })).toHaveValue("cleo");
});

test("an auditor sees neither button", async ({ browser }) => {
  const page = await signedIn(browser, "auditor@acme.example");
  await expect(page.getByRole("table", { name: "Users" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Invite users" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Create user" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Actions for / })).toHaveCount(0);
});
