// The console and the user API as two `next start` processes (playwright.split.config.ts): a
// person lists, invites, changes a role and bulk-deletes in the console, whose server actions
// and pages reach the API over HTTP with actor tokens. The invitations carry the API process's
// own lifetime (100 h; the console would use 168 h), which shows the API ran the core.
import { expect, test, type Page } from "@playwright/test";
import pg from "pg";
import { SPLIT_ADMIN_PASSWORD, SPLIT_API_URL, SPLIT_DATABASE_URL } from "../../playwright.split.config";

async function signIn(page: Page) {
  await page.goto("/sign-in");
  await page.getByRole("textbox", { name: "Email" }).fill("admin@acme.example");
  await page.getByLabel("Password").fill(SPLIT_ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
}

/** How long each person's invitation lives, in hours, as the database holds it. */
async function invitationHours(emails: string[]): Promise<number[]> {
  const db = new pg.Client({ connectionString: SPLIT_DATABASE_URL });
  await db.connect();
  try {
    const { rows } = await db.query<{ hours: string }>(
      `select extract(epoch from (i.expires_at - i.created_at)) / 3600 as hours
         from invitations i join users u on u.id = i.user_id where u.email = any($1) order by u.email`,
      [emails],
    );
    return rows.map((r) => Math.round(Number(r.hours)));
  } finally {
    await db.end();
  }
}

const usersTable = (page: Page) => page.getByRole("table", { name: "Users" });

test("list, invite, change a role and bulk delete through the API process", async ({ page, request }) => {
  const tag = `split${Date.now().toString(36)}`;
  const emails = [`${tag}-1@acme.example`, `${tag}-2@acme.example`];

  // The API refuses anyone without a credential (the browser never talks to it).
  const bare = await request.get(`${SPLIT_API_URL}/api/v1/users`);
  expect(bare.status()).toBe(401);
  expect((await bare.json()).error.code).toBe("UNAUTHENTICATED");

  await signIn(page);

  // List: the seeded organization, searched.
  await page.goto("/users?q=acme.example&sort=email");
  await expect(page.getByRole("heading", { name: "Users", exact: true })).toBeVisible();
  await expect(usersTable(page).locator("tbody tr").first()).toBeVisible();
  await expect(page.getByRole("checkbox", { name: "Select admin@acme.example" })).toBeVisible();

  // Invite two people, handing over links (no mail).
  await page.getByRole("button", { name: "Invite users" }).click();
  const invite = page.getByRole("dialog", { name: "Invite users" });
  await invite.getByRole("textbox", { name: "Email addresses" }).fill(emails.join("\n"));
  await invite.getByRole("radio", { name: "No email: copy the links" }).check();
  await invite.getByRole("button", { name: "Invite 2 people" }).click();
  const results = invite.getByRole("table", { name: "Results" });
  await expect(results).toBeVisible();
  for (const email of emails) await expect(results.getByRole("row").filter({ hasText: email })).toContainText("Invited");
  await page.keyboard.press("Escape");
  expect(await invitationHours(emails)).toEqual([100, 100]);

  // Change the first one's role in the drawer.
  await page.goto(`/users?q=${tag}&sort=email`);
  await expect(usersTable(page).locator("tbody tr")).toHaveCount(2);
  await usersTable(page).getByRole("row").filter({ hasText: emails[0] }).locator("[data-open-user]").click();
  const drawer = page.getByRole("dialog");
  await expect(drawer.getByRole("combobox", { name: "Role" })).toHaveValue("member");
  await drawer.getByRole("combobox", { name: "Role" }).selectOption("manager");
  await expect(page.getByText(`${emails[0]} is now manager`)).toBeVisible();
  await page.keyboard.press("Escape");
  await page.reload();
  await usersTable(page).getByRole("row").filter({ hasText: emails[0] }).locator("[data-open-user]").click();
  await expect(page.getByRole("dialog").getByRole("combobox", { name: "Role" })).toHaveValue("manager");
  await page.keyboard.press("Escape");

  // Bulk delete both.
  for (const email of emails) await page.getByRole("checkbox", { name: `Select ${email}` }).check();
  await page.getByRole("button", { name: "Delete selected" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete 2 users" });
  await confirm.getByRole("button", { name: /^Delete 2 users$/ }).click();
  const outcomes = confirm.getByRole("table", { name: "Results" });
  for (const email of emails) await expect(outcomes.getByRole("row").filter({ hasText: email })).toContainText(/deleted/i);
  await page.keyboard.press("Escape");
  await page.goto(`/users?q=${tag}`);
  await expect(usersTable(page).locator("tbody tr").filter({ hasText: tag })).toHaveCount(0);

  // The whole story in the audit log.
  const db = new pg.Client({ connectionString: SPLIT_DATABASE_URL });
  await db.connect();
  try {
    const events = await db.query<{ action: string; target_email: string; outcome: string }>(
      "select action, target_email, outcome from audit_events where target_email like $1 order by created_at, action, target_email",
      [`${tag}-%`],
    );
    expect(events.rows.map((e) => [e.action, e.target_email, e.outcome])).toEqual([
      ["user.invited", emails[0], "success"],
      ["user.invited", emails[1], "success"],
      ["user.role_changed", emails[0], "success"],
      ["user.deleted", emails[0], "success"],
      ["user.deleted", emails[1], "success"],
    ]);
  } finally {
    await db.end();
  }
});
