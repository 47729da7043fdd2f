// Bulk operations in a real browser: select across pages via "select all matching", the server's
// preview (blocked rows and why), the confirm button naming the real count, the Results table,
// "Retry failed" after a request that really failed (the network dropped it), and the CSV report.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Download, type Locator, type Page } from "@playwright/test";
import { E2E_ADMIN_PASSWORD } from "../playwright.config";

async function signIn(page: Page) {
  await page.goto("/sign-in");
  await page.getByRole("textbox", { name: "Email" }).fill("admin@acme.example");
  await page.getByLabel("Password").fill(E2E_ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
}

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help}`);
}

const usersTable = (page: Page) => page.getByRole("table", { name: "Users" });
const emails = async (page: Page) => (await usersTable(page).locator("tbody tr td:nth-child(3)").allTextContents()).map((s) => s.trim());
/** The list's emails once its rows are shown (a navigation can resolve before they are). */
const shownEmails = async (page: Page) => {
  await expect(usersTable(page).locator("tbody tr").first()).toBeVisible();
  return emails(page);
};
/** A table's rows as [user, outcome, code] cells. */
const cells = (table: Locator) =>
  table.locator("tbody tr").evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll("td")].slice(1, 4).map((td) => (td.querySelector("[data-user]") ?? td).textContent?.trim() ?? "")),
  );

async function readDownload(download: Download) {
  const chunks: Buffer[] = [];
  for await (const c of await download.createReadStream()) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Splits simple CSV lines (the report quotes only cells with , " or line breaks; none here but messages). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.replace(/^\uFEFF/, "").trimEnd().split("\r\n")) {
    const out: string[] = [];
    let cur = "";
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') {
          cur += '"';
          i++;
        } else if (ch === '"') quoted = false;
        else cur += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ",") {
        out.push(cur);
        cur = "";
      }
      else cur += ch;
    }
    out.push(cur);
    rows.push(out);
  }
  return rows;
}

// axe over a dialog holding a table takes long on a loaded machine.
test.describe.configure({ timeout: 120_000 });

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("select all matching across two pages, preview, confirm: the Results table matches, the list updates", async ({ page }) => {
  await page.goto("/users?q=minsky&limit=10&sort=email");
  await expect(page.getByText(/^\d+ users match/)).toBeVisible();
  const total = Number((await page.getByText(/^\d+ users match/).innerText()).match(/^(\d+)/)![1]);
  expect(total).toBeGreaterThan(10); // more than one page
  const firstPage = await shownEmails(page);
  expect(firstPage).toHaveLength(10);

  await page.getByRole("checkbox", { name: "Select all users on this page" }).check();
  const bar = page.getByRole("region", { name: "Bulk actions" });
  await expect(bar).toContainText("10 users selected");
  await bar.getByRole("button", { name: `Select all ${total} matching this filter` }).click();
  await expect(bar).toContainText(`All ${total} users matching this filter are selected`);
  expect(await seriousViolations(page)).toEqual([]);

  await bar.getByRole("button", { name: "Delete selected" }).click();
  const dialog = page.getByRole("dialog", { name: `Delete ${total} users` });
  await expect(dialog).toBeVisible();
  const preview = dialog.getByRole("table", { name: "Preview" });
  await expect(preview.locator("tbody tr")).toHaveCount(total);
  const previewRows = await cells(preview);
  // The server resolved the filter: both pages, in the list's order.
  expect(previewRows.slice(0, 10).map((r) => r[0])).toEqual(firstPage);
  expect(previewRows.every((r) => r[1] === "Will be deleted")).toBe(true);
  expect(await seriousViolations(page)).toEqual([]);

  await dialog.getByRole("button", { name: `Delete ${total} users` }).click();
  const results = dialog.getByRole("table", { name: "Results" });
  await expect(dialog.getByRole("status")).toHaveText(`Done: ${total} deleted.`);
  expect(await cells(results)).toEqual(previewRows.map((r) => [r[0], "Deleted", ""]));
  await expect(dialog.getByRole("button", { name: /Retry failed/ })).toHaveCount(0); // nothing failed
  await expect(page.getByRole("status").filter({ hasText: `Delete ${total} users: ${total} deleted` })).toBeVisible();
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByText("No users match these filters.")).toBeVisible();
  await expect(bar).toHaveCount(0);
});

test("delete by list: the preview shows who is blocked and why; the Results table and the CSV say the same", async ({ page }) => {
  await page.goto("/users?q=pike&sort=email");
  const [a, b] = await shownEmails(page);
  await page.getByRole("button", { name: "Delete by list" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete by list" });
  await dialog.getByLabel("Users to delete").fill(
    [a, "admin@acme.example", "homer@globex.example", "nobody@nowhere.example", a!.toUpperCase(), "bad@", b].join(", ") +
      "\n00000000-0000-4000-8000-000000000000",
  );
  await dialog.getByRole("button", { name: "Preview" }).click();
  const confirmDialog = page.getByRole("dialog", { name: "Delete 2 users" });
  await expect(confirmDialog).toBeVisible();
  const preview = await cells(confirmDialog.getByRole("table", { name: "Preview" }));
  expect(preview).toEqual([
    [a, "Will be deleted", ""],
    ["admin@acme.example", "Blocked: Yourself", "SELF_ACTION"],
    ["homer@globex.example", "Not found", "NOT_FOUND"], // another org's user: not found, nothing revealed
    ["nobody@nowhere.example", "Not found", "NOT_FOUND"],
    [a!.toUpperCase(), "Blocked: Duplicate", "DUPLICATE"],
    ["bad@", "Not a valid id or email", "VALIDATION"],
    [b, "Will be deleted", ""],
    ["00000000-0000-4000-8000-000000000000", "Not found", "NOT_FOUND"],
  ]);
  await expect(confirmDialog.getByRole("table", { name: "Preview" })).toContainText("You cannot do this to your own account");
  expect(await seriousViolations(page)).toEqual([]);

  await confirmDialog.getByRole("button", { name: "Delete 2 users" }).click();
  await expect(confirmDialog.getByRole("status")).toHaveText("Done: 2 deleted, 2 skipped, 3 not found, 1 failed.");
  const results = await cells(confirmDialog.getByRole("table", { name: "Results" }));
  expect(results).toEqual([
    [a, "Deleted", ""],
    ["admin@acme.example", "Skipped", "SELF_ACTION"],
    ["homer@globex.example", "Not found", "NOT_FOUND"],
    ["nobody@nowhere.example", "Not found", "NOT_FOUND"],
    [a!.toUpperCase(), "Skipped", "DUPLICATE"],
    ["bad@", "Failed", "VALIDATION"],
    [b, "Deleted", ""],
    ["00000000-0000-4000-8000-000000000000", "Not found", "NOT_FOUND"],
  ]);
  // An invalid entry would fail again: nothing worth retrying.
  await expect(confirmDialog.getByRole("button", { name: /Retry failed/ })).toHaveCount(0);

  const [download] = await Promise.all([page.waitForEvent("download"), confirmDialog.getByRole("button", { name: "Download CSV" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^roster-bulk-delete-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = parseCsv(await readDownload(download));
  expect(csv[0]).toEqual(["row", "input", "userId", "email", "outcome", "code", "message"]);
  expect(csv.slice(1).map((r) => [r[0], r[1], r[4], r[5]])).toEqual([
    ["1", a, "deleted", ""],
    ["2", "admin@acme.example", "skipped", "SELF_ACTION"],
    ["3", "homer@globex.example", "not_found", "NOT_FOUND"],
    ["4", "nobody@nowhere.example", "not_found", "NOT_FOUND"],
    ["5", a!.toUpperCase(), "skipped", "DUPLICATE"],
    ["6", "bad@", "failed", "VALIDATION"],
    ["7", b, "deleted", ""],
    ["8", "00000000-0000-4000-8000-000000000000", "not_found", "NOT_FOUND"],
  ]);
  expect(csv[1]![2]).toMatch(/^[0-9a-f-]{36}$/);
  expect(csv[3]![2]).toBe(""); // nothing about the other org's user

  await confirmDialog.getByRole("button", { name: "Close" }).click();
  await page.goto(`/users?q=${encodeURIComponent(a!)}`);
  await expect(page.getByText("No users match these filters.")).toBeVisible();
});

test("retry failed: a request the network dropped fails its rows only; retrying sends exactly those", async ({ page }) => {
  await page.goto("/users?q=hopper&sort=email");
  const [first, second] = await shownEmails(page);
  // 1,010 entries go in two requests (1,000 + 10): a real user in each, the rest unknown addresses.
  const list = Array.from({ length: 1010 }, (_, i) => `ghost-${i}@nowhere.example`);
  list[10] = first!;
  list[1005] = second!;

  const bodies: string[] = [];
  let posts = 0;
  await page.route("**/users**", async (route) => {
    const request = route.request();
    if (request.method() !== "POST" || !request.headers()["next-action"]) return route.continue();
    posts++;
    bodies.push(request.postData() ?? "");
    // 1: the preview; 2: the first chunk of the run, which the network drops; then all goes through.
    if (posts === 2) return route.abort("connectionreset");
    return route.continue();
  });

  await page.getByRole("button", { name: "Delete by list" }).click();
  await page.getByRole("dialog", { name: "Delete by list" }).getByLabel("Users to delete").fill(list.join("\n"));
  await page.getByRole("button", { name: "Preview" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete 2 users" });
  await dialog.getByRole("button", { name: "Delete 2 users" }).click();
  await expect(dialog.getByRole("status")).toHaveText("Done: 1 deleted, 9 not found, 1,000 failed.");
  const results = dialog.getByRole("table", { name: "Results" });
  await expect(results.locator("tbody tr").nth(0)).toContainText("Failed");
  await expect(results.locator("tbody tr").nth(0)).toContainText("may or may not have been changed");

  await dialog.getByRole("button", { name: "Retry failed (1000)" }).click();
  await expect(dialog.getByRole("status")).toHaveText("Done: 2 deleted, 1,008 not found.");
  // The retry sent exactly the 1,000 rows that failed, in order, and nothing else.
  const retried = bodies.at(-1)!;
  expect(posts).toBe(4);
  for (const item of list.slice(0, 1000)) expect(retried).toContain(JSON.stringify(item));
  for (const item of list.slice(1000)) expect(retried).not.toContain(JSON.stringify(item));
  await expect(results.locator("tbody tr").nth(10)).toContainText("Deleted");
  await expect(dialog.getByRole("button", { name: /Retry failed/ })).toHaveCount(0);
});

test("deactivate selected and change role: preview, confirm, results (your own row is blocked)", async ({ page }) => {
  await page.goto("/users?q=okafor&sort=email");
  const picked = (await shownEmails(page)).slice(0, 2);
  for (const e of picked) await page.getByRole("checkbox", { name: `Select ${e}` }).check();
  const bar = page.getByRole("region", { name: "Bulk actions" });
  await bar.getByRole("button", { name: "Deactivate selected" }).click();
  const deactivate = page.getByRole("dialog", { name: "Deactivate 2 users" });
  await deactivate.getByRole("button", { name: "Deactivate 2 users" }).click();
  await expect(deactivate.getByRole("status")).toHaveText("Done: 2 deactivated.");
  await deactivate.getByRole("button", { name: "Close" }).click();
  await expect(bar).toHaveCount(0); // the selection is cleared after a run

  // Change role: the admin's own row is in the selection too.
  await page.goto("/users?role=admin&sort=email");
  const other = (await shownEmails(page)).find((e) => e !== "admin@acme.example")!;
  await page.getByRole("checkbox", { name: `Select ${other}` }).check();
  await page.getByRole("checkbox", { name: "Select admin@acme.example" }).check();
  await page.getByRole("region", { name: "Bulk actions" }).getByRole("button", { name: "Change role" }).click();
  const change = page.getByRole("dialog", { name: /^Change role of/ });
  await change.getByRole("combobox", { name: "New role" }).selectOption("auditor");
  await expect(change).toHaveAccessibleName("Change role of 1 user");
  expect(await cells(change.getByRole("table", { name: "Preview" }))).toEqual([
    [other, "Will become auditor", ""],
    ["admin@acme.example", "Blocked: Yourself", "SELF_ACTION"],
  ]);
  await change.getByRole("button", { name: "Change role of 1 user" }).click();
  await expect(change.getByRole("status")).toHaveText("Done: 1 updated, 1 skipped.");
});
