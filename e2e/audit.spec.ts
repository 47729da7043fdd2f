// The auditor's review: the overview, a figure followed to the filtered users list, the audit log
// filtered by actor and by date, its export; no write control anywhere; axe on both pages.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { E2E_ADMIN_PASSWORD } from "../playwright.config";

async function signedIn(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  await page.goto("/sign-in");
  await page.getByRole("textbox", { name: "Email" }).fill(email);
  await page.getByLabel("Password").fill(E2E_ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible({ timeout: 20_000 }); // argon2 on a busy machine
  return page;
}

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help}`);
}

/** Controls that change something: none may be on screen for an auditor. */
const WRITE_CONTROLS = [
  "Invite users", "Create user", "Delete selected", "Deactivate selected", "Change role", "Delete", "Deactivate",
  "Reactivate", "Reset password", "End sessions", "End all sessions", "Delete user", "Set a temporary password", "Save", "Save profile",
  "Resend invitation", "Revoke invitation", "Copy invitation link",
];
async function expectNoWriteControls(page: Page) {
  for (const name of WRITE_CONTROLS) {
    await expect(page.getByRole("button", { name, exact: true }), name).toHaveCount(0);
  }
  // No editable role anywhere: no inline role control, and the drawer's Role combobox (if any) is disabled.
  await expect(page.getByRole("button", { name: /^Role for / })).toHaveCount(0);
  for (const select of await page.getByRole("combobox", { name: /^Role/ }).all()) await expect(select).toBeDisabled();
}

const today = () => new Date().toISOString().slice(0, 10);
const auditRows = (page: Page) => page.getByRole("table", { name: "Audit events" }).locator("tbody tr");

test("an auditor reviews the overview, the users it points to, and the audit log, and exports it", async ({ browser }) => {
  test.setTimeout(120_000); // two people, four pages, a download: a long walk on a shared machine
  // An admin changes a member's role: the change the auditor will look for.
  const admin = await signedIn(browser, "admin@acme.example");
  await admin.goto("/users?status=active&role=member&sort=-email&limit=10");
  const row = admin.getByRole("table", { name: "Users" }).locator("tbody tr").first();
  await expect(row).toBeVisible();
  const name = (await row.locator("td:nth-child(2)").innerText()).trim();
  const email = (await row.locator("td:nth-child(3)").innerText()).trim();
  await admin.getByRole("button", { name, exact: true }).click();
  await admin.getByRole("dialog", { name }).getByRole("combobox", { name: "Role" }).selectOption("manager");
  await expect(admin.getByRole("status").filter({ hasText: `${email} is now manager` })).toBeVisible();
  await admin.context().close();

  const page = await signedIn(browser, "auditor@acme.example");

  // Overview: the figures, a chart with its data as a table, admin activity; nothing to write.
  await expect(page.getByRole("img", { name: /^Users by status: Invited \d+, Active \d+, Deactivated \d+$/ })).toBeVisible();
  await expect(page.getByRole("table", { name: "Users by role" })).toBeVisible();
  const activity = page.getByRole("region", { name: "Recent admin activity" });
  await expect(activity.getByText("user.role_changed").first()).toBeVisible();
  await expect(activity.getByText("role: member → manager").first()).toBeVisible();
  await expectNoWriteControls(page);
  expect(await seriousViolations(page)).toEqual([]);

  // A figure leads to the users list filtered to exactly that many people.
  const figure = page.getByRole("link", { name: /active users who never signed in$/ });
  const count = Number((await figure.innerText()).replace(/[^\d]/g, ""));
  expect(count).toBeGreaterThan(0);
  await figure.click();
  await expect(page.getByRole("heading", { name: "Users", exact: true })).toBeVisible();
  await expect(page).toHaveURL(/neverSignedIn=true/);
  await expect(page).toHaveURL(/status=active/);
  await expect(page.getByRole("button", { name: "Remove filter: Never signed in" })).toBeVisible();
  await expect(page.getByText(new RegExp(`^${count.toLocaleString("en-US")} users? match`))).toBeVisible();
  for (const text of await page.getByRole("table", { name: "Users" }).locator("tbody tr td:nth-child(6)").allInnerTexts()) {
    expect(text.trim()).toBe("Never"); // the Last sign-in column
  }
  await expectNoWriteControls(page);
  // The drawer too: details and timeline, nothing to change.
  const first = page.getByRole("table", { name: "Users" }).locator("tbody tr").first();
  const firstName = (await first.locator("td:nth-child(2)").innerText()).trim();
  await page.getByRole("button", { name: firstName, exact: true }).click();
  await expect(page.getByRole("dialog", { name: firstName })).toBeVisible();
  await expectNoWriteControls(page);
  await page.keyboard.press("Escape");

  // The audit log, filtered by actor: only the admin's events, the role change old → new.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("heading", { name: "Audit log", exact: true })).toBeVisible();
  await expectNoWriteControls(page);
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole("textbox", { name: "Actor" }).fill("ADMIN@acme.example");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/actor=ADMIN(%40|@)acme\.example/);
  await expect.poll(async () => new Set((await auditRows(page).locator("td:nth-child(2)").allInnerTexts()).map((s) => s.trim())))
    .toEqual(new Set(["admin@acme.example"]));
  const change = auditRows(page).filter({ hasText: "user.role_changed" }).filter({ hasText: email }).first();
  await expect(change).toContainText("role: member → manager");
  await expect(change).toContainText("Success");

  // By date: today holds it; a day long ago holds nothing.
  await page.getByLabel("From", { exact: true }).fill("2020-01-01");
  await expect(page).toHaveURL(/from=2020-01-01/);
  await page.getByLabel("To", { exact: true }).fill("2020-01-02");
  await expect(page.getByText("No events match these filters.")).toBeVisible();
  await page.getByLabel("To", { exact: true }).fill(today());
  await page.getByLabel("From", { exact: true }).fill(today());
  await expect(page).toHaveURL(new RegExp(`from=${today()}.*to=${today()}|to=${today()}.*from=${today()}`));
  await expect(change).toBeVisible();

  // Export the filtered log: the same events, as CSV.
  const summary = await page.getByText(/\d+ events? match/).innerText();
  const total = Number(summary.match(/(\d+) events? match/)![1]);
  await page.getByRole("button", { name: "Export" }).click();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("menuitem", { name: /^CSV/ }).click()]);
  expect(download.suggestedFilename()).toMatch(/^roster-audit-\d{4}-\d{2}-\d{2}\.csv$/);
  const chunks: Buffer[] = [];
  for await (const c of await download.createReadStream()) chunks.push(c as Buffer);
  const lines = Buffer.concat(chunks).toString("utf8").replace(/^\uFEFF/, "").trimEnd().split("\r\n");
  const header = lines[0]!.split(",");
  expect(header).toEqual(["id", "createdAt", "action", "outcome", "actorId", "actorEmail", "targetId", "targetEmail", "changes", "ip", "userAgent"]);
  expect(lines).toHaveLength(total + 1);
  const actorCol = header.indexOf("actorEmail");
  for (const l of lines.slice(1)) expect(l.split(",")[actorCol]).toBe("admin@acme.example");
  expect(lines.some((l) => l.includes("user.role_changed") && l.includes(email) && l.includes('""new"":""manager""'))).toBe(true);

  // The export is itself in the log.
  await page.goto("/audit?actor=auditor%40acme.example&action=audit.exported");
  await expect(auditRows(page).first()).toContainText("audit.exported");
});

test("managers and members are shown no audit log", async ({ browser }) => {
  const manager = await signedIn(browser, "manager@acme.example");
  await expect(manager.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" })).toHaveCount(0);
  await expect(manager.getByRole("region", { name: "Recent admin activity" })).toHaveCount(0);
  await manager.goto("/audit");
  await expect(manager.getByRole("heading", { name: "No access to the audit log" })).toBeVisible();
  await expect(manager.getByRole("table", { name: "Audit events" })).toHaveCount(0);
  const res = await manager.request.get("/audit/export?format=json");
  expect(res.status()).toBe(403);
});
