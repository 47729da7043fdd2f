import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { E2E_ADMIN_PASSWORD } from "../playwright.config";

async function signInAs(page: Page, email: string) {
  await page.goto("/sign-in");
  await page.getByRole("textbox", { name: "Email" }).fill(email);
  await page.getByLabel("Password").fill(E2E_ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
}

const usersTable = (page: Page) => page.getByRole("table", { name: "Users" });
const rows = (page: Page) => usersTable(page).locator("tbody tr");
/** The role column's text: the role an admin's inline control shows, or the plain text others see. */
const roles = (page: Page) =>
  rows(page).locator("td:nth-child(4)").evaluateAll((tds) => tds.map((td) => (td.textContent ?? "").replace("▾", "").trim()));
/** An admin's inline role control: a menu button named for the user and the role it shows. */
const roleControl = (page: Page, email: string) => page.getByRole("button", { name: new RegExp(`^Role for ${email.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: `) });
/** Opens the row's role menu and chooses a role. */
async function chooseRole(page: Page, email: string, role: string) {
  await roleControl(page, email).click();
  await page.getByRole("menuitemradio", { name: role }).click();
}
const emails = async (page: Page) => (await rows(page).locator("td:nth-child(3)").allTextContents()).map((s) => s.trim());
/** The list's emails once its rows are shown (a navigation can resolve before they are). */
const shownEmails = async (page: Page) => {
  await expect(rows(page).first()).toBeVisible();
  return emails(page);
};

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help}`);
}

test.beforeEach(async ({ page }) => {
  await signInAs(page, "admin@acme.example");
});

test("search narrows the list by name or email, case-insensitively, and lives in the URL", async ({ page }) => {
  await page.goto("/users");
  await page.getByRole("searchbox", { name: "Search users" }).fill("LOVELACE");
  await expect(page).toHaveURL(/q=LOVELACE/);
  await expect.poll(async () => (await emails(page)).every((e) => e.includes("lovelace"))).toBe(true);
  const found = await shownEmails(page);
  expect(found.length).toBeGreaterThan(0);
  for (const e of found) expect(e).toContain("lovelace");
  await page.reload();
  await expect(page.getByRole("searchbox", { name: "Search users" })).toHaveValue("LOVELACE");
  await expect.poll(() => emails(page)).toEqual(found);
  await page.getByRole("button", { name: "Clear filters" }).first().click();
  await expect(page).not.toHaveURL(/q=/);
});

test("the status and role filters combine, and each row shows what was asked for", async ({ page }) => {
  await page.goto("/users");
  await page.getByRole("button", { name: "Status", exact: true }).click();
  await page.getByRole("checkbox", { name: "Deactivated" }).check();
  await page.keyboard.press("Escape");
  await expect(page).toHaveURL(/status=deactivated/);
  await expect.poll(async () => new Set(await rows(page).locator("td:nth-child(5)").allTextContents())).toEqual(new Set(["Deactivated"]));

  await page.getByRole("button", { name: "Role", exact: true }).click();
  await page.getByRole("checkbox", { name: "Member" }).check();
  await page.keyboard.press("Escape");
  await expect(page).toHaveURL(/role=member/);
  await expect.poll(async () => new Set(await roles(page))).toEqual(new Set(["Member"]));
  for (const s of await rows(page).locator("td:nth-child(5)").allTextContents()) expect(s).toBe("Deactivated");

  // Invited users show their invitation's state.
  await page.goto("/users?status=invited&limit=100");
  await expect(rows(page).first()).toBeVisible();
  await expect
    .poll(async () => {
      const states = await rows(page).locator("td:nth-child(5)").allTextContents();
      return states.includes("Invited · expired") && states.includes("Invited · pending");
    })
    .toBe(true);
});

test("sorting by a column header orders the rows and marks the header", async ({ page }) => {
  await page.goto("/users?limit=25");
  await page.getByRole("button", { name: "Email" }).click();
  await expect(page).toHaveURL(/sort=email/);
  await expect(page.getByRole("columnheader", { name: /Email/ })).toHaveAttribute("aria-sort", "ascending");
  await expect.poll(async () => { const e = await emails(page); return e.join() === [...e].sort().join(); }).toBe(true);
  const asc = await shownEmails(page);
  await page.getByRole("button", { name: "Email" }).click();
  await expect(page).toHaveURL(/sort=-email/);
  await expect(page.getByRole("columnheader", { name: /Email/ })).toHaveAttribute("aria-sort", "descending");
  await expect.poll(async () => { const e = await emails(page); return e.join() === [...e].sort().reverse().join(); }).toBe(true);
  expect((await emails(page))[0]! > asc[0]!).toBe(true);
});

test("page size, next and previous pages, and back/forward keep the view", async ({ page }) => {
  await page.goto("/users?sort=email");
  await page.getByLabel("Rows per page").selectOption("10");
  await expect(page).toHaveURL(/limit=10/);
  await expect(rows(page)).toHaveCount(10);
  const first = await shownEmails(page);
  const turn = async (button: "Next page" | "Previous page", from: string[]) => {
    await page.getByRole("button", { name: button }).click();
    await expect.poll(async () => (await emails(page))[0]).not.toBe(from[0]);
    return emails(page);
  };
  const second = await turn("Next page", first);
  expect(second).toHaveLength(10);
  expect(second[0]! > first[9]!).toBe(true);
  const third = await turn("Next page", second);
  expect(third[0]! > second[9]!).toBe(true);
  expect(await turn("Previous page", third)).toEqual(second);
  expect(await turn("Previous page", second)).toEqual(first);
  await expect(page.getByRole("button", { name: "Previous page" })).toBeDisabled();
  await page.goBack();
  await expect.poll(() => emails(page)).toEqual(second);
  await page.reload();
  await expect.poll(() => emails(page)).toEqual(second);
});

test("a bad parameter falls back to the defaults instead of an error", async ({ page }) => {
  // A search term longer than the list accepts (200 characters) counts as none.
  await page.goto(`/users?sort=name;DROP%20TABLE%20users&limit=1e9&cursor=garbage&status=nope&q=${"a".repeat(201)}`);
  await expect(page.getByRole("heading", { name: "Users", exact: true })).toBeVisible();
  await expect(rows(page)).toHaveCount(50);
  await expect(page.getByRole("columnheader", { name: /Name/ })).toHaveAttribute("aria-sort", "ascending");
});

test("an empty result says why, and clears the filters on request", async ({ page }) => {
  await page.goto("/users?q=zzzznobodyzzzz");
  await expect(page.getByText("No users match these filters.")).toBeVisible();
  await page.getByRole("button", { name: "Clear filters" }).last().click();
  await expect(rows(page).first()).toBeVisible();
});

/**
 * Searches `term` on /users with its first rows request (/users/rows) cut off, as a dropped
 * connection would; answers the error state's alert and how many rows requests the term made.
 */
async function searchThatFailsOnce(page: Page, term: string) {
  await page.goto("/users");
  await expect(rows(page)).toHaveCount(50);
  let searches = 0;
  await page.route(
    (url) => url.pathname === "/users/rows" && url.searchParams.get("q") === term,
    (route) => (searches++ === 0 ? route.abort("connectionreset") : route.continue()),
  );
  await page.getByRole("searchbox", { name: "Search users" }).fill(term);
  const alert = page.getByRole("alert").filter({ hasText: "The users could not be loaded." });
  await expect(alert).toBeVisible();
  return { alert, searches: () => searches };
}

test("the error state says what happened, and 'Try again' loads the users again", async ({ page }) => {
  const { alert, searches } = await searchThatFailsOnce(page, "lovelace");
  await expect(alert).toContainText("The connection to the server failed. Nothing was changed.");
  await expect(usersTable(page)).toHaveCount(0);

  await alert.getByRole("button", { name: "Try again" }).click();
  await expect(alert).toHaveCount(0);
  await expect(rows(page).first()).toBeVisible();
  const found = await shownEmails(page);
  expect(found.length).toBeGreaterThan(0);
  for (const e of found) expect(e).toContain("lovelace");
  expect(searches()).toBe(2); // the cut-off request, then the retry's own request to the server
});

test("a failed search's error goes once its rows arrive: another page size, then back", async ({ page }) => {
  const { alert, searches } = await searchThatFailsOnce(page, "lovelace");
  await page.getByLabel("Rows per page").selectOption("10"); // another view: its rows load
  await expect(alert).toHaveCount(0);
  await expect(page).toHaveURL(/limit=10/);
  await expect(rows(page).first()).toBeVisible();
  await page.goBack(); // the failed view again: read afresh, not its old failure
  await expect(page).not.toHaveURL(/limit=10/);
  await expect(alert).toHaveCount(0);
  await expect(rows(page).first()).toBeVisible();
  for (const e of await shownEmails(page)) expect(e).toContain("lovelace");
  expect(searches()).toBe(3); // the cut-off request, the 10-row page's, and the one after Back
});

/** Holds /users/rows requests for `term` for `ms` before they go to the server. */
async function slowSearch(page: Page, term: string, ms: number) {
  await page.route(
    (url) => url.pathname === "/users/rows" && url.searchParams.get("q") === term,
    async (route) => {
      await new Promise((r) => setTimeout(r, ms));
      await route.continue().catch(() => {}); // aborted meanwhile by the page
    },
  );
}

test("a search changes the URL with its rows; a slow one says it is loading", async ({ page }) => {
  await page.goto("/users");
  await expect(rows(page)).toHaveCount(50);
  await slowSearch(page, "lovelace", 1500);
  await page.getByRole("searchbox", { name: "Search users" }).fill("lovelace");
  await expect(page.getByText("· Loading…")).toBeVisible();
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(1);
  expect(page.url()).not.toMatch(/q=/); // the rows are not here yet
  await expect(page).toHaveURL(/q=lovelace/);
  await expect(page.getByText("· Loading…")).toHaveCount(0);
  for (const e of await shownEmails(page)) expect(e).toContain("lovelace");
});

test("a change made while a search is on its way keeps the search; a newer search wins over an older one", async ({ page }) => {
  await page.goto("/users?sort=email");
  await expect(rows(page)).toHaveCount(50);
  // A page size chosen while the search waits: one URL with both, the search's late answer unused.
  await slowSearch(page, "lovelace", 1500);
  await page.getByRole("searchbox", { name: "Search users" }).fill("lovelace");
  await expect(page.getByText("· Loading…")).toBeVisible();
  await page.getByLabel("Rows per page").selectOption("10");
  await expect(page).toHaveURL(/q=lovelace/);
  await expect(page).toHaveURL(/limit=10/);
  await expect.poll(async () => (await emails(page)).length).toBeLessThanOrEqual(10);
  const withSize = await shownEmails(page);
  for (const e of withSize) expect(e).toContain("lovelace");
  await page.waitForTimeout(1800); // past the held request
  await expect(page).toHaveURL(/limit=10/);
  expect(await emails(page)).toEqual(withSize);

  // A newer term typed while the older one waits: the older one's answer is never shown.
  await slowSearch(page, "turing", 1500);
  const box = page.getByRole("searchbox", { name: "Search users" });
  await box.fill("turing");
  await expect(page.getByText("· Loading…")).toBeVisible();
  await box.fill("hopper");
  await expect(page).toHaveURL(/q=hopper/);
  const hoppers = await shownEmails(page);
  for (const e of hoppers) expect(e).toContain("hopper");
  await page.waitForTimeout(1800);
  await expect(page).toHaveURL(/q=hopper/);
  expect(await emails(page)).toEqual(hoppers);
});

/**
 * Runs `act` in the page in the same task that first shows a row whose email has `term` (before
 * the search's URL is written, which waits for the rows to be painted); answers the URL's query
 * string as it was then.
 */
function onRowsOf(page: Page, term: string, act: string): Promise<string> {
  return page.evaluate(`new Promise((resolve) => {
    const first = () => document.querySelector('table[aria-label="Users"] tbody tr td:nth-child(3)');
    new MutationObserver((_, mo) => {
      if (!first()?.textContent?.includes(${JSON.stringify(term)})) return;
      mo.disconnect();
      const search = location.search;
      ${act};
      resolve(search);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  })`);
}

test("a user opened or a change made as a search's rows show keeps the search", async ({ page }) => {
  await page.goto("/users");
  await expect(rows(page)).toHaveCount(50);
  const urls: string[] = [];
  page.on("framenavigated", (f) => void (f === page.mainFrame() && urls.push(f.url())));
  const box = page.getByRole("searchbox", { name: "Search users" });

  // A user opened at once: its URL (and the drawer's server render) has the term.
  const opened = onRowsOf(page, "lovelace", `first().parentElement.querySelector("td:nth-child(2) button").click()`);
  await box.fill("lovelace");
  expect(await opened).not.toMatch(/q=/); // the search's own URL was not written yet
  await expect(page.getByRole("dialog")).toBeVisible();
  await expect(page).toHaveURL(/[?&]user=/);
  await expect(page).toHaveURL(/q=lovelace/);
  // Behind the drawer (hidden from the accessibility tree while it is open): the search's rows.
  const behind = page.locator('table[aria-label="Users"] tbody tr td:nth-child(3)');
  await expect(behind.first()).toContainText("lovelace");
  for (const e of await behind.allTextContents()) expect(e).toContain("lovelace");
  expect(urls.filter((u) => !u.includes("q=lovelace"))).toEqual([]);
  await page.getByRole("dialog").getByRole("button", { name: "Close" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(page).not.toHaveURL(/[?&]user=/);
  await expect(page).toHaveURL(/q=lovelace/);

  // A page size chosen at once: one URL with both, never the size with the older term.
  urls.length = 0;
  const sized = onRowsOf(page, "hopper", `const s = document.querySelector('nav[aria-label="Pagination"] select');
    s.value = "10"; s.dispatchEvent(new Event("change", { bubbles: true }))`);
  await box.fill("hopper");
  expect(await sized).toMatch(/q=lovelace/);
  await expect(page).toHaveURL(/limit=10/);
  await expect(page).toHaveURL(/q=hopper/);
  await expect.poll(async () => (await emails(page)).length).toBeLessThanOrEqual(10);
  for (const e of await shownEmails(page)) expect(e).toContain("hopper");
  await page.waitForTimeout(500); // past the search's URL write
  await expect(page).toHaveURL(/q=hopper/);
  expect(urls.filter((u) => !u.includes("q=hopper"))).toEqual([]);
  await page.reload();
  await expect(box).toHaveValue("hopper");
  await expect(page).toHaveURL(/limit=10/);
  for (const e of await shownEmails(page)) expect(e).toContain("hopper");
});

test("the column chooser hides and shows columns", async ({ page }) => {
  await page.goto("/users");
  await page.getByRole("button", { name: "Columns" }).click();
  await page.getByRole("menuitemcheckbox", { name: "Created" }).click();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("columnheader", { name: /Created/ })).toHaveCount(0);
  await page.getByRole("button", { name: "Columns" }).click();
  await page.getByRole("menuitemcheckbox", { name: "Created" }).click();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("columnheader", { name: /Created/ })).toHaveCount(1);
});

test("rows can be selected one by one and for the whole page", async ({ page }) => {
  await page.goto("/users?limit=10");
  const firstEmail = (await shownEmails(page))[0]!;
  await page.getByRole("checkbox", { name: `Select ${firstEmail}` }).check();
  await expect(page.getByText("1 selected")).toBeVisible();
  await page.getByRole("checkbox", { name: "Select all users on this page" }).check();
  await expect(page.getByText("10 selected")).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});

test("the list page, filtered, has no serious accessibility violations", async ({ page }) => {
  await page.goto("/users?status=active&role=manager");
  await expect(rows(page).first()).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});

test("the overview strip links to the filtered list", async ({ page }) => {
  await page.goto("/users");
  await page.getByRole("link", { name: /^Deactivated/ }).click();
  await expect(page).toHaveURL(/status=deactivated/);
  await expect.poll(async () => new Set(await rows(page).locator("td:nth-child(5)").allTextContents())).toEqual(new Set(["Deactivated"]));
});

test("an admin changes a role inline; a refusal rolls it back with the server's reason", async ({ page }) => {
  await page.goto("/users?status=active&role=member&sort=email&limit=10");
  const email = (await shownEmails(page))[0]!;
  await expect(page.getByRole("button", { name: `Role for ${email}: Member`, exact: true })).toBeVisible();
  await chooseRole(page, email, "Manager");
  await expect(page.getByRole("status").filter({ hasText: `${email} is now manager` })).toBeVisible();
  // Choosing a role in the row does not open the user's drawer.
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(page).not.toHaveURL(/[?&]user=/);
  await page.reload();
  await expect(page).toHaveURL(/role=member/);
  await page.goto(`/users?q=${encodeURIComponent(email)}`);
  await expect(page.getByRole("button", { name: `Role for ${email}: Manager`, exact: true })).toBeVisible();

  // Another tab changes the user first: this tab's copy is stale, and the change is rolled back.
  const other = await page.context().newPage();
  await other.goto(`/users?q=${encodeURIComponent(email)}`);
  await chooseRole(other, email, "Auditor");
  await expect(other.getByRole("status").filter({ hasText: `${email} is now auditor` })).toBeVisible();
  await chooseRole(page, email, "Member");
  await expect(page.getByRole("alert").filter({ hasText: "Someone else changed this user" })).toBeVisible();
  await expect(page.getByRole("button", { name: `Role for ${email}: Auditor`, exact: true })).toBeVisible();
  // The admin's own row offers no inline role control.
  await page.goto("/users?q=admin%40acme.example");
  await expect(roleControl(page, "admin@acme.example")).toHaveCount(0);
});

test("the inline role control works by keyboard alone, and passes axe while open", async ({ page }) => {
  await page.goto("/users?status=active&role=member&sort=email&limit=10");
  const email = (await shownEmails(page))[1]!;
  // The user alone, so that the row keeps this user after the change.
  await page.goto(`/users?q=${encodeURIComponent(email)}`);
  await roleControl(page, email).focus();
  await expect(roleControl(page, email)).toHaveAttribute("aria-expanded", "false");
  await page.keyboard.press("ArrowDown");
  const menu = page.getByRole("menu", { name: `Role for ${email}` });
  await expect(menu).toBeVisible();
  await expect(menu.getByRole("menuitemradio")).toHaveText([/^Admin/, /^Manager/, /^Auditor/, /^Member/]);
  // It opens on the current role, as a select would.
  await expect(menu.getByRole("menuitemradio", { name: "Member", checked: true })).toBeFocused();
  expect(await seriousViolations(page)).toEqual([]);
  // Escape closes it unchanged, focus back on the control.
  await page.keyboard.press("Escape");
  await expect(menu).toHaveCount(0);
  await expect(roleControl(page, email)).toBeFocused();
  await expect(roleControl(page, email)).toHaveAccessibleName(`Role for ${email}: Member`);
  // Enter opens it again; typeahead to Auditor, Enter chooses it; focus comes back to the control.
  await page.keyboard.press("Enter");
  await expect(menu.getByRole("menuitemradio", { name: "Member" })).toBeFocused();
  await page.keyboard.type("au");
  await expect(menu.getByRole("menuitemradio", { name: "Auditor" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status").filter({ hasText: `${email} is now auditor` })).toBeVisible();
  await expect(page.getByRole("button", { name: `Role for ${email}: Auditor`, exact: true })).toBeFocused();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(page).not.toHaveURL(/[?&]user=/);
  // And it opens again from there once the change is done (until then it is aria-disabled).
  await expect(page.getByRole("button", { name: `Role for ${email}: Auditor`, exact: true })).not.toHaveAttribute("aria-disabled", "true");
  await expect(page.getByRole("button", { name: `Role for ${email}: Auditor`, exact: true })).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(menu.getByRole("menuitemradio", { name: "Auditor", checked: true })).toBeFocused();
  await page.keyboard.press("Escape");
});

test("rows are reused in place: a row that now shows another user shows that user's own role and actions", async ({ page }) => {
  // Members only: the user made a manager leaves the list on the refresh after the change, and
  // the next member moves up into the row whose select was just changed.
  await page.goto("/users?status=active&role=member&sort=email&limit=10");
  const before = await shownEmails(page);
  const changed = before[0]!;
  await chooseRole(page, changed, "Manager");
  await expect(page.getByRole("status").filter({ hasText: `${changed} is now manager` })).toBeVisible();
  await expect.poll(() => emails(page)).toEqual(expect.arrayContaining([before[1]!]));
  await expect.poll(async () => (await emails(page))[0]).toBe(before[1]);
  expect(await roles(page)).toEqual((await emails(page)).map(() => "Member"));
  await expect(page.getByRole("button", { name: `Role for ${before[1]}: Member`, exact: true })).toBeVisible();
  // The menu loaded for the changed user is not carried to the user now in its row: the row shows
  // the plain button again (the loaded menu's button carries Radix's data-state).
  await expect(page.getByRole("button", { name: `Role for ${before[1]}: Member`, exact: true })).not.toHaveAttribute("data-state", /.*/);
  await expect(roleControl(page, changed)).toHaveCount(0);

  // Invited users' rows carry an actions menu, named for the user now in the row.
  await page.goto("/users?status=invited&sort=email&limit=10");
  const invited = await shownEmails(page);
  await page.getByRole("button", { name: `Actions for ${invited[0]}` }).click();
  await expect(page.getByRole("menu")).toBeVisible();
  await page.keyboard.press("Escape");
  // The second row's button (never used) is the place's own: the next page reuses the element.
  await page.getByRole("button", { name: `Actions for ${invited[1]}` }).evaluate((el) => el.setAttribute("data-seen", ""));
  await page.getByRole("button", { name: "Next page" }).click();
  await expect.poll(async () => (await emails(page))[0]).not.toBe(invited[0]);
  const next = await emails(page);
  await expect(page.getByRole("button", { name: `Actions for ${next[1]}` })).toHaveAttribute("data-seen", "");
  await expect(page.getByRole("menu")).toHaveCount(0);
  await expect(page.getByRole("button", { name: `Actions for ${next[0]}` })).toBeVisible();
  // The row's menu starts over for its new user: the placeholder trigger, not the menu loaded for
  // the user before (a Radix trigger carries data-state).
  await expect(page.getByRole("button", { name: `Actions for ${next[0]}` })).not.toHaveAttribute("data-state", /.*/);
  await expect(page.getByRole("button", { name: `Actions for ${invited[0]}` })).toHaveCount(0);
});

test("export downloads the whole filter, not just the visible page, in each format", async ({ page }) => {
  await page.goto("/users?status=deactivated&limit=10");
  const summary = await page.getByText(/\d+ users? match/).innerText();
  const total = Number(summary.match(/(\d+) users? match/)![1]);
  expect(total).toBeGreaterThan(10); // more than the one page on screen

  const download = async (label: RegExp) => {
    await page.getByRole("button", { name: "Export" }).click();
    const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("menuitem", { name: label }).click()]);
    const stream = await file.createReadStream();
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    return { name: file.suggestedFilename(), text: Buffer.concat(chunks).toString("utf8") };
  };

  const csv = await download(/^CSV/);
  expect(csv.name).toMatch(/^roster-users-\d{4}-\d{2}-\d{2}\.csv$/);
  const lines = csv.text.replace(/^\uFEFF/, "").trimEnd().split("\r\n");
  expect(lines[0]).toContain("email");
  expect(lines).toHaveLength(total + 1);
  expect(lines.slice(1).every((l) => l.includes(",deactivated,"))).toBe(true);

  const json = JSON.parse((await download(/^JSON/)).text) as { status: string }[];
  expect(json).toHaveLength(total);
  expect(new Set(json.map((u) => u.status))).toEqual(new Set(["deactivated"]));

  const ndjson = (await download(/^NDJSON/)).text.trimEnd().split("\n").map((l) => JSON.parse(l) as { email: string });
  expect(ndjson.map((u) => u.email)).toEqual(json.map((u) => (u as unknown as { email: string }).email));
});

test("works by keyboard alone: search, filter, page", async ({ page }) => {
  await page.goto("/users?limit=10&sort=email");
  await page.getByRole("searchbox", { name: "Search users" }).focus();
  await page.keyboard.type("acme");
  await expect(page).toHaveURL(/q=acme/);
  await page.keyboard.press("Tab"); // Status
  await expect(page.getByRole("button", { name: "Status", exact: true })).toBeFocused();
  await page.keyboard.press("Enter");
  const invited = page.getByRole("checkbox", { name: "Invited" });
  await expect(invited).toBeFocused();
  await page.keyboard.press("Space");
  await expect(invited).toBeChecked();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("button", { name: "Status", exact: true })).toBeFocused();
  await expect(page).toHaveURL(/status=invited/);
  await expect.poll(async () => new Set((await rows(page).locator("td:nth-child(5)").allTextContents()).map((s) => s.split(" ·")[0]))).toEqual(new Set(["Invited"]));
  const before = await shownEmails(page);
  await page.getByRole("button", { name: "Next page" }).focus();
  await page.keyboard.press("Enter");
  await expect.poll(async () => (await emails(page))[0]).not.toBe(before[0]);
});

test.describe("as an auditor", () => {
  test.beforeEach(async ({ page, context }) => {
    await context.clearCookies();
    await signInAs(page, "auditor@acme.example");
  });

  test("the list reads like an admin's, with no control that changes anything", async ({ page }) => {
    await page.goto("/users?limit=10");
    await expect(rows(page)).toHaveCount(10);
    await expect(page.getByRole("searchbox", { name: "Search users" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Export" })).toBeVisible();
    for (const name of ["Invite users", "Create user", "Delete selected", "Deactivate selected", "Change role"]) {
      await expect(page.getByRole("button", { name })).toHaveCount(0);
    }
    await expect(page.getByRole("combobox", { name: "Role" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /^Role for / })).toHaveCount(0);
  });
});
