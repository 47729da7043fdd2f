import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { E2E_ADMIN_PASSWORD } from "../playwright.config";

async function signIn(page: Page, email: string, password = E2E_ADMIN_PASSWORD) {
  await page.goto("/sign-in");
  await page.getByRole("textbox", { name: "Email" }).fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function adminPage(browser: Browser) {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, "admin@acme.example");
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  return page;
}

const rows = (page: Page) => page.getByRole("table", { name: "Users" }).locator("tbody tr");

/** The first user of a filtered list: [name, email]. */
async function firstOf(page: Page, query: string): Promise<[string, string]> {
  await page.goto(`/users?${query}`);
  const row = rows(page).first();
  await expect(row).toBeVisible();
  return [(await row.locator("td:nth-child(2)").innerText()).trim(), (await row.locator("td:nth-child(3)").innerText()).trim()];
}

async function openDrawer(page: Page, name: string) {
  await page.getByRole("button", { name, exact: true }).click();
  const drawer = page.getByRole("dialog", { name });
  await expect(drawer).toBeVisible();
  return drawer;
}

async function confirm(page: Page, opener: string, confirmLabel: string) {
  await page.getByRole("dialog").last().getByRole("button", { name: opener, exact: true }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: confirmLabel, exact: true }).click();
  await expect(page.getByRole("alertdialog")).toHaveCount(0);
}

test("open and close by mouse and keyboard, deep link, Back", async ({ browser }) => {
  const page = await adminPage(browser);
  const [name] = await firstOf(page, "status=active&role=member&sort=email");
  const drawer = await openDrawer(page, name);
  await expect(page).toHaveURL(/user=/);
  await expect(drawer.getByRole("combobox", { name: "Role" })).toHaveValue("member");
  // Escape closes and returns focus to the row's button.
  await page.keyboard.press("Escape");
  await expect(drawer).toHaveCount(0);
  await expect(page.getByRole("button", { name, exact: true })).toBeFocused();
  await expect(page).not.toHaveURL(/user=/);
  // Enter on the focused name opens it again; the URL can be reloaded and shared.
  await page.keyboard.press("Enter");
  await expect(page.getByRole("dialog", { name })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("dialog", { name })).toBeVisible();
  expect((await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
  // Back closes it (opening pushed a history entry) ...
  await page.goBack();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(page).not.toHaveURL(/user=/);
  // ... and Forward opens it again; the Close button closes it too.
  await page.goForward();
  await expect(page.getByRole("dialog", { name })).toBeVisible();
  await page.getByRole("dialog", { name }).getByRole("button", { name: "Close" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(page).not.toHaveURL(/user=/);
});

test("a temporary password, a forced change, a role change and a deactivation reach the user's very next request", async ({ browser }) => {
  const admin = await adminPage(browser);
  const [name, email] = await firstOf(admin, "status=active&role=manager&sort=email");
  let drawer = await openDrawer(admin, name);

  // Set a temporary password: shown once.
  await confirm(admin, "Set temporary password", "Set temporary password");
  const temporary = await admin.getByLabel("Temporary password (shown once)").inputValue();
  expect(temporary).toMatch(/^[A-Za-z0-9]{16}$/);

  // The user signs in with it and must choose their own before anything else.
  const user = await (await browser.newContext()).newPage();
  await signIn(user, email, temporary);
  await expect(user.getByRole("heading", { name: "Change password" })).toBeVisible();
  await user.goto("/users");
  await expect(user).toHaveURL(/\/change-password/);
  const own = "my very own passphrase 2026";
  await user.getByLabel("Current password").fill(temporary);
  await user.getByLabel("New password", { exact: true }).fill(own);
  await user.getByLabel("Confirm new password").fill(own);
  await user.getByRole("button", { name: "Change password" }).click();
  await expect(user.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(user.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" })).toHaveCount(0);

  // Demoted to auditor: the next request runs as an auditor (the session is renewed by signing in again).
  await admin.reload();
  drawer = admin.getByRole("dialog", { name });
  await drawer.getByRole("combobox", { name: "Role" }).selectOption("auditor");
  await expect(admin.getByRole("status").filter({ hasText: `${email} is now auditor` })).toBeVisible();
  await user.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
  await expect(user).toHaveURL(/\/sign-in/); // a role change ends the user's sessions
  await signIn(user, email, own);
  await expect(user.getByText("· auditor · Acme")).toBeVisible();
  await expect(user.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" })).toBeVisible();

  // Deactivated: the open session is refused on its next click.
  await admin.reload();
  await confirm(admin, "Deactivate", "Deactivate");
  await expect(admin.getByRole("status").filter({ hasText: `Deactivated ${email}` })).toBeVisible();
  await expect(admin.getByRole("dialog", { name }).getByRole("button", { name: "Reactivate" })).toBeVisible();
  await user.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
  await expect(user).toHaveURL(/\/sign-in/);
  await signIn(user, email, own);
  await expect(user.getByRole("alert").filter({ hasText: "The email or password is not right." })).toBeVisible();

  // Reactivated: they can sign in again.
  await confirm(admin, "Reactivate", "Reactivate");
  await expect(admin.getByRole("status").filter({ hasText: `Reactivated ${email}` })).toBeVisible();
  await signIn(user, email, own);
  await expect(user.getByRole("heading", { name: "Overview" })).toBeVisible();

  // End all sessions: signed out on the next click.
  await confirm(admin, "End all sessions", "End sessions");
  await user.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
  await expect(user).toHaveURL(/\/sign-in/);
});

test("editing the profile saves it, and a stale copy is reported instead of overwriting", async ({ browser }) => {
  const first = await adminPage(browser);
  const [name] = await firstOf(first, "status=active&role=member&sort=-email");
  const url = first.url();
  const drawer1 = await openDrawer(first, name);
  const second = await first.context().newPage();
  await second.goto(url);
  const drawer2 = await openDrawer(second, name);

  await drawer2.getByLabel("Company").fill("Second Tab Inc");
  await drawer2.getByRole("button", { name: "Save profile" }).click();
  await expect(second.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();

  await drawer1.getByLabel("City").fill("Stale City");
  await drawer1.getByRole("button", { name: "Save profile" }).click();
  await expect(drawer1.getByRole("alert")).toContainText("Someone else changed this user");
  await drawer1.getByRole("button", { name: "Reload" }).click();
  await expect(first.getByRole("dialog", { name }).getByLabel("Company")).toHaveValue("Second Tab Inc");

  // A field error from the server lands on its field.
  const drawer = first.getByRole("dialog", { name });
  await drawer.getByLabel("Login").fill("x".repeat(201));
  await drawer.getByRole("button", { name: "Save profile" }).click();
  await expect(drawer.getByText("At most 200 characters")).toBeVisible();
});

test("editing the name and the developer flag: saved, shown in the details and the list row, kept on reload", async ({ browser }) => {
  const admin = await adminPage(browser);
  const [name, email] = await firstOf(admin, "status=active&role=member&sort=email");
  const drawer = await openDrawer(admin, name);
  const developer = drawer.getByRole("checkbox", { name: "Developer" });
  const wasDeveloper = await developer.isChecked();
  const renamed = `${name} Renamed`;
  await drawer.getByLabel("Name", { exact: true }).fill(renamed);
  await developer.setChecked(!wasDeveloper);
  await drawer.getByRole("button", { name: "Save profile" }).click();
  await expect(admin.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();

  // The drawer is now named after the new name; closed, the list row shows it without a reload.
  await expect(admin.getByRole("dialog", { name: renamed })).toBeVisible();
  await admin.keyboard.press("Escape");
  await expect(admin.getByRole("dialog")).toHaveCount(0);
  await openDrawer(admin, renamed);

  await admin.reload();
  const reloaded = admin.getByRole("dialog", { name: renamed });
  await expect(reloaded).toBeVisible();
  await expect(reloaded.getByRole("checkbox", { name: "Developer" })).toBeChecked({ checked: !wasDeveloper });
  await expect(reloaded.getByText(email).first()).toBeVisible();
});

test("refusals are explained: your own role, and a manager's view", async ({ browser }) => {
  const admin = await adminPage(browser);
  await admin.goto("/users?q=admin%40acme.example");
  const self = await openDrawer(admin, "Avery Admin");
  await expect(self.getByRole("combobox", { name: "Role" })).toBeDisabled();
  await expect(self.getByText("You cannot change your own role.")).toBeVisible();
  await expect(self.getByRole("button", { name: "Deactivate" })).toBeDisabled();
  await expect(self.getByRole("button", { name: "Delete user" })).toBeDisabled();

  const manager = await (await browser.newContext()).newPage();
  await signIn(manager, "manager@acme.example");
  await expect(manager.getByRole("heading", { name: "Overview" })).toBeVisible();
  const [name] = await firstOf(manager, "status=active&role=member&sort=email");
  const drawer = await openDrawer(manager, name);
  await expect(drawer.getByRole("combobox", { name: "Role" })).toBeDisabled();
  await expect(drawer.getByText("Managers cannot change roles; ask an admin.")).toBeVisible();
  await expect(drawer.getByRole("button", { name: "Deactivate" })).toHaveCount(0);
  await expect(drawer.getByRole("button", { name: "Save profile" })).toBeVisible(); // managers edit members
  await expect(drawer.getByRole("heading", { name: "Recent activity" })).toHaveCount(0); // no audit access
});

test("invitations: copy a fresh link and resend; delete shows what goes with the user", async ({ browser }) => {
  const admin = await adminPage(browser);
  const [name, email] = await firstOf(admin, "status=invited&sort=email");
  const drawer = await openDrawer(admin, name);
  await drawer.getByRole("button", { name: "Copy invitation link" }).click();
  await expect(drawer.getByLabel("Invitation link")).toHaveValue(/\/invite\/[A-Za-z0-9_-]{20,}$/);
  await drawer.getByRole("button", { name: "Resend invitation" }).click();
  await expect(admin.getByRole("status").filter({ hasText: `Invitation sent to ${email}` })).toBeVisible();
  await expect(drawer.getByText(/^Pending: sent/)).toBeVisible();

  await drawer.getByRole("button", { name: "Delete user" }).click();
  await expect(admin.getByRole("alertdialog")).toContainText("API keys (0 active) and invitations");
  await admin.getByRole("alertdialog").getByRole("button", { name: "Delete", exact: true }).click();
  await expect(admin.getByRole("status").filter({ hasText: `Deleted ${email}` })).toBeVisible();
  await expect(admin.getByRole("dialog")).toHaveCount(0);
  await expect(admin.getByRole("table", { name: "Users" }).getByText(email, { exact: true })).toHaveCount(0);
});

test("a hostile name is shown as text, and neutralized in the CSV export (SECURITY 24)", async ({ browser }) => {
  const page = await adminPage(browser);
  let dialogs = 0;
  page.on("dialog", async (d) => {
    dialogs++;
    await d.dismiss();
  });
  const [name, email] = await firstOf(page, "status=deactivated&role=member&sort=email");
  let drawer = await openDrawer(page, name);
  const xss = `<img src=x onerror=alert(1)>`;
  await drawer.getByLabel("Name", { exact: true }).fill(xss);
  await drawer.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Saved ${email}` })).toBeVisible();
  await expect(page.getByRole("dialog", { name: xss })).toBeVisible();
  await page.keyboard.press("Escape"); // the drawer is modal: the table is behind it
  await expect(page.getByRole("table", { name: "Users" }).getByRole("button", { name: xss, exact: true })).toBeVisible();
  expect(dialogs).toBe(0);

  drawer = await openDrawer(page, xss);
  await drawer.getByLabel("Name", { exact: true }).fill(`=HYPERLINK("http://x")`);
  await drawer.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Saved ${email}` }).last()).toBeVisible();
  const response = await page.request.get(`/users/export?format=csv&q=${encodeURIComponent(email)}`);
  expect(response.status()).toBe(200);
  const csv = await response.text();
  expect(csv).toContain(`"'=HYPERLINK(""http://x"")"`);
  expect(dialogs).toBe(0);
});
