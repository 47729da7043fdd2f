// The users export: every page of the filter in each format, in the list's order, across batch
// boundaries; CSV formula neutralization and quoting; who may export; the audit event; org
// isolation; batches read only as the consumer pulls.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { invitations, users, type UserRow } from "../db/schema";
import { randomToken, sha256 } from "../security/tokens";
import { createWorld, type World } from "../testing/fixtures";
import { apiKeyPrincipal, auditMark, expectCode } from "../testing/helpers";
import { csvObjects, parseCsv, streamBytes, UTF8_BOM, utf8 } from "../testing/csv";
import type { UserSort } from "../validation/enums";
import { emailKey } from "../validation/users";
import { EXPORT_BATCH_SIZE, EXPORT_COLUMNS } from "./export";
import { createUsersCore, type Principal, type UserDTO } from "./index";

let w: World;

// Org A gets BULK users named "Bulkexp …" (set-based insert), so that filters cross batches:
// g % 5 = 0 invited, else g % 7 = 0 deactivated, else active; the first 1,000 are managers.
const BULK = 2400;
const MANAGERS = 1000;
const bulkStatus = (g: number) => (g % 5 === 0 ? "invited" : g % 7 === 0 ? "deactivated" : "active");
const ACTIVE_OR_INVITED = Array.from({ length: BULK }, (_, i) => i + 1).filter((g) => bulkStatus(g) !== "deactivated").length;

type Format = "csv" | "json" | "ndjson";
const FORMATS: Format[] = ["csv", "json", "ndjson"];
type Row = Record<string, unknown>;

/** Exports and reads the whole file back: CSV rows as objects of strings, JSON as parsed. */
async function exportRows(p: Principal, query: unknown, format: Format) {
  const file = await w.core.export(p, query, format);
  const bytes = await streamBytes(file.body);
  const text = utf8(bytes);
  let rows: Row[];
  if (format === "csv") {
    expect([...bytes.slice(0, 3)], "CSV starts with a UTF-8 BOM").toEqual([...UTF8_BOM]);
    rows = csvObjects(text.slice(1));
  } else if (format === "json") {
    rows = JSON.parse(text) as Row[];
    expect(Array.isArray(rows)).toBe(true);
  } else {
    expect(text === "" || text.endsWith("\n")).toBe(true);
    rows = text.split("\n").filter((l, k, all) => !(l === "" && k === all.length - 1)).map((l) => JSON.parse(l) as Row);
  }
  return { file, text, rows };
}

/** Every page of the list, following nextCursor: the order the export must reproduce. */
async function listAll(p: Principal, query: Record<string, unknown>): Promise<UserDTO[]> {
  const out: UserDTO[] = [];
  let cursor: string | undefined;
  do {
    const page = await w.core.list(p, { ...query, limit: 100, cursor });
    out.push(...page.data);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

const ids = (rows: Row[]) => rows.map((r) => r.id as string);

let special: Record<string, UserRow>;

beforeAll(async () => {
  w = await createWorld();
  const db = w.database.db;
  await db.execute(sql`
    insert into users (org_id, email, email_key, name, role, status, created_at, updated_at, last_login_at, deactivated_at, company)
    select ${w.orgA}::uuid, 'bulkexp' || g || '@a.test', 'bulkexp' || g || '@a.test',
           -- every name twice and every creation time ~5 times: ties are broken by id
           'Bulkexp ' || ((g * 7919) % 1200),
           (case when g <= ${MANAGERS} then 'manager' else 'member' end)::user_role,
           (case when g % 5 = 0 then 'invited' when g % 7 = 0 then 'deactivated' else 'active' end)::user_status,
           timestamptz '2024-01-01 00:00:00+00' + (g % 500) * interval '1 hour',
           timestamptz '2024-06-01 00:00:00+00',
           case when g % 4 = 0 then null else timestamptz '2025-01-01 00:00:00+00' + (g % 300) * interval '1 minute' end,
           case when g % 5 <> 0 and g % 7 = 0 then timestamptz '2025-02-01 00:00:00+00' end,
           'Acme, Inc.'
    from generate_series(1, ${BULK}) as g`);

  const hostile = {
    formula: `=HYPERLINK("http://x")`,
    plus: "+1",
    minus: "-2",
    at: "@x",
    quotes: `Say "hi", then\nleave\r\nquietly, "ok"`,
    html: "<img src=x onerror=alert(1)>",
    unicode: "Zoë Łukasz 😀",
  } as const;
  special = {};
  for (const [label, name] of Object.entries(hostile)) {
    const email = `special-${label}@a.test`;
    const [row] = await db
      .insert(users)
      .values({ orgId: w.orgA, email, emailKey: emailKey(email), name, role: "member", status: "active" })
      .returning();
    special[label] = row!;
  }
  // Profile cells a spreadsheet would also run: a leading tab, a carriage return, spaces.
  const [profiled] = await db
    .insert(users)
    .values({
      orgId: w.orgA,
      email: "special-profile@a.test",
      emailKey: "special-profile@a.test",
      name: "Pat Profile",
      role: "manager",
      status: "invited",
      isDeveloper: true,
      login: "pat_p",
      firstName: "Pat",
      lastName: "Profile",
      company: "\tcmd|' /C calc'!A0",
      phone: "+1 555 0100",
      address: "\r=1+1",
      postalCode: "  -3",
      city: "Montréal",
      state: "QC",
      country: "CA",
      createdAt: new Date("2024-03-04T05:06:07.089Z"),
      updatedAt: new Date("2024-03-05T00:00:00.000Z"),
    })
    .returning();
  special.profile = profiled!;
  await db.insert(invitations).values({
    userId: profiled!.id,
    kind: "invitation",
    tokenHash: sha256(randomToken()),
    expiresAt: new Date(Date.now() + 86_400_000),
  });
});

afterAll(async () => {
  await w?.close();
});

describe("export: the whole filter", () => {
  const filter = { q: "bulkexp", status: ["active", "invited"] };

  it(`every format returns exactly the filtered set across batches (${ACTIVE_OR_INVITED} > ${EXPORT_BATCH_SIZE}), in the list's order`, async () => {
    expect(ACTIVE_OR_INVITED).toBeGreaterThan(EXPORT_BATCH_SIZE);
    const sorts: UserSort[] = ["name", "-created", "last_login", "-email"];
    for (const sort of sorts) {
      const expected = (await listAll(w.as(w.u.admin), { ...filter, sort })).map((u) => u.id);
      expect(expected, sort).toHaveLength(ACTIVE_OR_INVITED);
      for (const format of FORMATS) {
        const { rows } = await exportRows(w.as(w.u.admin), { ...filter, sort }, format);
        expect(ids(rows), `${format} ${sort}`).toEqual(expected);
        expect(new Set(ids(rows)).size, `${format} ${sort}: no duplicates`).toBe(rows.length);
        expect(rows.every((r) => r.status === "active" || r.status === "invited")).toBe(true);
      }
    }
  });

  it("the whole org when there is no filter (three batches), default sort by name; no secret in it", async () => {
    const expected = (await listAll(w.as(w.u.admin), {})).map((u) => u.id);
    expect(expected.length).toBeGreaterThan(2 * EXPORT_BATCH_SIZE);
    for (const format of FORMATS) {
      const { rows, text } = await exportRows(w.as(w.u.admin), {}, format);
      expect(ids(rows), format).toEqual(expected);
      // Batches are read as whole users rows (row_to_json, password hash included) and reduced
      // to the exported columns row by row: none of the signed-up users' hashes gets through.
      expect(text, format).not.toMatch(/argon2|password|session_?version|email_?key|org_?id/i);
    }
  });

  it("a filter matching exactly one batch ends cleanly; one matching nothing gives an empty file", async () => {
    for (const format of FORMATS) {
      const { rows } = await exportRows(w.as(w.u.admin), { q: "bulkexp", role: ["manager"] }, format);
      expect(rows, format).toHaveLength(MANAGERS);
      expect(MANAGERS).toBe(EXPORT_BATCH_SIZE);
    }
    const csv = await exportRows(w.as(w.u.admin), { q: "no such user anywhere" }, "csv");
    expect(csv.text).toBe(`\uFEFF${EXPORT_COLUMNS.join(",")}\r\n`);
    expect((await exportRows(w.as(w.u.admin), { q: "no such user anywhere" }, "json")).text).toBe("[]\n");
    expect((await exportRows(w.as(w.u.admin), { q: "no such user anywhere" }, "ndjson")).text).toBe("");
  });

  it("ignores the list's limit and cursor", async () => {
    const page = await w.core.list(w.as(w.u.admin), { ...filter, limit: 5 });
    const { rows } = await exportRows(w.as(w.u.admin), { ...filter, limit: 5, cursor: page.nextCursor }, "ndjson");
    expect(rows).toHaveLength(ACTIVE_OR_INVITED);
    const junk = await exportRows(w.as(w.u.admin), { ...filter, limit: "x", cursor: "not a cursor" }, "json");
    expect(junk.rows).toHaveLength(ACTIVE_OR_INVITED);
  });

  it("the same filter as the list: email, role, status, search", async () => {
    const byEmail = await exportRows(w.as(w.u.admin), { email: " SPECIAL-PROFILE@a.test " }, "json");
    expect(ids(byEmail.rows)).toEqual([special.profile!.id]);
    const q = { q: "bulkexp", role: "member", status: "deactivated" };
    const expected = (await listAll(w.as(w.u.admin), q)).map((u) => u.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(ids((await exportRows(w.as(w.u.admin), q, "csv")).rows)).toEqual(expected);
  });
});

describe("export: columns and values", () => {
  it("has the documented columns, in order, in every format; CSV and JSON agree", async () => {
    const json = (await exportRows(w.as(w.u.admin), { email: "special-profile@a.test" }, "json")).rows[0]!;
    expect(Object.keys(json)).toEqual([...EXPORT_COLUMNS]);
    const p = special.profile!;
    expect(json).toEqual({
      id: p.id,
      email: "special-profile@a.test",
      name: "Pat Profile",
      role: "manager",
      status: "invited",
      invitationState: "pending",
      isDeveloper: true,
      login: "pat_p",
      firstName: "Pat",
      lastName: "Profile",
      company: "\tcmd|' /C calc'!A0",
      phone: "+1 555 0100",
      address: "\r=1+1",
      postalCode: "  -3",
      city: "Montréal",
      state: "QC",
      country: "CA",
      lastLoginAt: null,
      createdAt: "2024-03-04T05:06:07.089Z",
      updatedAt: "2024-03-05T00:00:00.000Z",
      deactivatedAt: null,
    });
    const ndjson = (await exportRows(w.as(w.u.admin), { email: "special-profile@a.test" }, "ndjson")).rows[0]!;
    expect(ndjson).toEqual(json);

    const { text } = await exportRows(w.as(w.u.admin), { email: "special-profile@a.test" }, "csv");
    const [header, row] = parseCsv(text.slice(1));
    expect(header).toEqual([...EXPORT_COLUMNS]);
    const csv = Object.fromEntries(header!.map((h, k) => [h, row![k]]));
    expect(csv).toMatchObject({ isDeveloper: "true", invitationState: "pending", lastLoginAt: "", deactivatedAt: "", city: "Montréal" });
    // Everything else is the JSON value as text, neutralized where it would run as a formula.
    expect(csv).toMatchObject({ company: "'\tcmd|' /C calc'!A0", phone: "'+1 555 0100", address: "'\r=1+1", postalCode: "'  -3" });
  });

  it("a deactivated user and one who signed in carry their dates; the invitation state only for the invited", async () => {
    const rows = (await exportRows(w.as(w.u.admin), { q: "bulkexp", sort: "created" }, "json")).rows;
    const deactivated = rows.find((r) => r.status === "deactivated")!;
    expect(deactivated.deactivatedAt).toBe("2025-02-01T00:00:00.000Z");
    expect(deactivated.invitationState).toBeNull();
    expect(rows.some((r) => typeof r.lastLoginAt === "string")).toBe(true);
    expect(rows.every((r) => r.isDeveloper === false && r.company === "Acme, Inc.")).toBe(true);
    // Invited users without any invitation row: no state to report.
    expect(rows.find((r) => r.status === "invited")!.invitationState).toBeNull();
  });
});

describe("export: CSV safety", () => {
  const find = (rows: Row[], u: UserRow) => rows.find((r) => r.id === u.id)!;

  it("neutralizes cells that would run as formulas, and round-trips quotes, commas, newlines and HTML", async () => {
    const { text, rows } = await exportRows(w.as(w.u.admin), { q: "special" }, "csv");
    expect(rows).toHaveLength(Object.keys(special).length);
    expect(find(rows, special.formula!).name).toBe(`'=HYPERLINK("http://x")`);
    expect(text).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(find(rows, special.plus!).name).toBe("'+1");
    expect(find(rows, special.minus!).name).toBe("'-2");
    expect(find(rows, special.at!).name).toBe("'@x");
    expect(find(rows, special.quotes!).name).toBe(`Say "hi", then\nleave\r\nquietly, "ok"`);
    expect(find(rows, special.html!).name).toBe("<img src=x onerror=alert(1)>");
    expect(text).toContain(",<img src=x onerror=alert(1)>,");
    expect(find(rows, special.unicode!).name).toBe("Zoë Łukasz 😀");
    // No cell of the file starts with a character a spreadsheet would run.
    const cells = parseCsv(text.slice(1)).flat();
    expect(cells.filter((c) => /^\s*[=+\-@]|^[\t\r]/.test(c))).toEqual([]);
  });

  it("JSON and NDJSON keep every value exactly as stored", async () => {
    for (const format of ["json", "ndjson"] as const) {
      const { rows } = await exportRows(w.as(w.u.admin), { q: "special" }, format);
      for (const u of Object.values(special)) expect(find(rows, u).name, `${format} ${u.email}`).toBe(u.name);
    }
  });
});

describe("export: who may", () => {
  it("admins, managers and auditors may; members may not (audited once)", async () => {
    for (const who of [w.u.admin, w.u.manager, w.u.auditor]) {
      const { rows } = await exportRows(w.as(who), { q: "special" }, "json");
      expect(rows.length, who.email).toBe(Object.keys(special).length);
    }
    const mark = await auditMark(w);
    await expectCode(w.core.export(w.as(w.u.member), {}, "csv"), "FORBIDDEN");
    const events = await mark.since();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: w.u.member.id, action: "users.exported", outcome: "refused", changes: { code: "FORBIDDEN" } });
  });

  it("API keys: users:read may export; a key without it may not", async () => {
    const reader = await apiKeyPrincipal(w, w.u.auditor, ["users:read"]);
    expect((await exportRows(reader, { q: "special" }, "ndjson")).rows).toHaveLength(Object.keys(special).length);
    for (const scopes of [["users:write"], []] as const) {
      const key = await apiKeyPrincipal(w, w.u.admin, [...scopes]);
      const mark = await auditMark(w);
      await expectCode(w.core.export(key, {}, "csv"), "FORBIDDEN");
      expect(await mark.since(), `scopes ${scopes.join(",")}`).toMatchObject([{ action: "users.exported", outcome: "refused" }]);
    }
    // A member's key is bounded by the member's role.
    await expectCode(w.core.export(await apiKeyPrincipal(w, w.u.member, ["users:read"]), {}, "csv"), "FORBIDDEN");
  });

  it("a deactivated caller is UNAUTHENTICATED, and that is not audited", async () => {
    const mark = await auditMark(w);
    await expectCode(w.core.export(w.as(w.u.deactivated, { role: "admin" }), {}, "csv"), "UNAUTHENTICATED");
    expect(await mark.since()).toEqual([]);
  });

  it("bad input is VALIDATION, naming the field", async () => {
    let err = await expectCode(w.core.export(w.as(w.u.admin), {}, "xlsx"), "VALIDATION");
    expect(err.fields).toHaveProperty("format");
    err = await expectCode(w.core.export(w.as(w.u.admin), {}, ["csv", "json"]), "VALIDATION");
    expect(err.fields).toHaveProperty("format");
    err = await expectCode(w.core.export(w.as(w.u.admin), { stauts: "active" }, "csv"), "VALIDATION");
    expect(err.message).toMatch(/stauts/);
    err = await expectCode(w.core.export(w.as(w.u.admin), { sort: "password" }, "csv"), "VALIDATION");
    expect(err.fields).toHaveProperty("sort");
  });
});

describe("export: audit", () => {
  it("writes one 'users.exported' event with the filter and format, before the first row is read", async () => {
    const mark = await auditMark(w);
    const file = await w.core.export(w.as(w.u.manager), { q: "bulkexp", status: ["invited"], sort: "-created", limit: 10 }, "ndjson");
    const events = await mark.since();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorId: w.u.manager.id,
      actorEmail: w.u.manager.email,
      orgId: w.orgA,
      action: "users.exported",
      outcome: "success",
      targetId: null,
      changes: { format: "ndjson", filter: { q: "bulkexp", status: ["invited"], sort: "-created" } },
    });
    expect(events[0]!.changes).toEqual({ format: "ndjson", filter: { q: "bulkexp", status: ["invited"], sort: "-created" } });
    await streamBytes(file.body);
    expect(await mark.since()).toHaveLength(1);
  });

  it("the default format is CSV; the filename carries the date", async () => {
    const core = createUsersCore(w.database.db, { appUrl: "http://roster.test" }, () => new Date("2026-11-22T23:59:59Z"));
    const csv = await core.export(w.as(w.u.admin), { q: "special" }, undefined);
    expect(csv).toMatchObject({ filename: "roster-users-2026-11-22.csv", contentType: "text/csv; charset=utf-8; header=present" });
    await csv.body.cancel();
    const json = await core.export(w.as(w.u.admin), { q: "special" }, "json");
    expect(json).toMatchObject({ filename: "roster-users-2026-11-22.json", contentType: "application/json; charset=utf-8" });
    await json.body.cancel();
    const nd = await core.export(w.as(w.u.admin), { q: "special" }, "ndjson");
    expect(nd).toMatchObject({ filename: "roster-users-2026-11-22.ndjson", contentType: "application/x-ndjson; charset=utf-8" });
    await nd.body.cancel();
  });
});

describe("export: isolation and streaming", () => {
  it("never contains another organization's users", async () => {
    const b = await exportRows(w.as(w.u.bAdmin), {}, "json");
    expect(b.rows.map((r) => r.email).sort()).toEqual(["admin@b.test", "member@b.test"]);
    const a = await exportRows(w.as(w.u.admin), {}, "ndjson");
    expect(a.rows.filter((r) => String(r.email).endsWith("@b.test"))).toEqual([]);
    expect((await exportRows(w.as(w.u.admin), { q: "b.test" }, "json")).rows).toEqual([]);
    expect((await exportRows(w.as(w.u.admin), { email: "member@b.test" }, "csv")).rows).toEqual([]);
  });

  it("reads a batch only when the consumer pulls: a row added mid-export, past the read position, is included", async () => {
    const file = await w.core.export(w.as(w.u.admin), { q: "bulkexp", sort: "created" }, "ndjson");
    const reader = file.body.getReader();
    const decoder = new TextDecoder();
    let text = "";
    const first = await reader.read();
    text += decoder.decode(first.value, { stream: true });
    expect(text.split("\n").filter(Boolean)).toHaveLength(EXPORT_BATCH_SIZE);
    // Give a stream that reads ahead more than one batch the time to do so (this one reads the
    // second batch now and then waits; the pass/fail does not depend on the timing).
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Sorts after everyone, so it falls in the third batch, which has not been read yet.
    const late = await w.addUser(w.orgA, "bulkexp-late@a.test");
    await w.database.db.update(users).set({ createdAt: new Date("2030-01-01T00:00:00Z") }).where(eq(users.id, late.id));
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      const rows = text.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Row);
      expect(rows).toHaveLength(BULK + 1);
      expect(rows.at(-1)!.id).toBe(late.id);
    } finally {
      await w.database.db.delete(users).where(eq(users.id, late.id));
    }
  });

  it("can be cancelled midway", async () => {
    const file = await w.core.export(w.as(w.u.admin), {}, "csv");
    const reader = file.body.getReader();
    expect((await reader.read()).done).toBe(false);
    await reader.cancel();
    expect((await reader.read()).done).toBe(true);
  });
});
