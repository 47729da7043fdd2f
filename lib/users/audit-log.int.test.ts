// Reading the audit log: who may, every filter (by id and by the stored email, so deleted users
// too), the date range, keyset paging in both directions across equal timestamps, totals, bad
// input, org isolation, and the streamed export (formats, formula cells, audited once).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, organizations } from "../db/schema";
import { createWorld, type World } from "../testing/fixtures";
import { apiKeyPrincipal, auditMark, expectCode } from "../testing/helpers";
import { csvObjects, streamBytes, UTF8_BOM, utf8 } from "../testing/csv";
import { AUDIT_EXPORT_BATCH_SIZE, AUDIT_EXPORT_COLUMNS, type AuditEventDTO } from "./audit-log";
import type { Principal } from "./index";
import type { UserRow } from "../db/schema";

let w: World;
let orgC: string;
let c: Record<"admin" | "auditor" | "manager" | "member" | "alice" | "bob", UserRow>;
const bobEmail = "Bob.Gone@c.test";
let bobId: string;

// Org C's log, written directly (inserting is what the core does; only UPDATE/DELETE are refused):
// alice acts on bob 60 times over 6 days, 10 of them refused; at one instant (day 3, noon) 25
// events share a timestamp so that paging must break ties by id; bob is then deleted.
const DAY0 = Date.parse("2026-03-01T00:00:00Z");
const at = (day: number, hour: number) => new Date(DAY0 + day * 86_400_000 + hour * 3_600_000);
let seeded: { action: string; createdAt: Date; outcome: "success" | "refused"; actor: "alice" | "admin" }[] = [];

beforeAll(async () => {
  w = await createWorld();
  const [org] = await w.database.db.insert(organizations).values({ name: "Org C", slug: "org-c" }).returning();
  orgC = org!.id;
  c = {
    admin: await w.addUser(orgC, "admin@c.test", "admin"),
    auditor: await w.addUser(orgC, "auditor@c.test", "auditor"),
    manager: await w.addUser(orgC, "manager@c.test", "manager"),
    member: await w.addUser(orgC, "member@c.test", "member"),
    alice: await w.addUser(orgC, "Alice@c.test", "manager"),
    bob: await w.addUser(orgC, bobEmail, "member"),
  };
  bobId = c.bob.id;
  const rows = [];
  for (let i = 0; i < 60; i++) {
    const day = Math.floor(i / 10);
    const createdAt = i >= 30 && i < 55 ? at(3, 12) : at(day, i % 10);
    const outcome = i % 6 === 5 ? ("refused" as const) : ("success" as const);
    const action = i % 3 === 0 ? "user.role_changed" : i % 3 === 1 ? "user.updated" : "invitation.resent";
    const actor = i % 2 === 0 ? ("alice" as const) : ("admin" as const);
    seeded.push({ action, createdAt, outcome, actor });
    rows.push({
      orgId: orgC,
      actorId: c[actor].id,
      actorEmail: c[actor].email,
      action,
      targetId: bobId,
      targetEmail: bobEmail,
      changes: outcome === "refused" ? { code: "FORBIDDEN", message: "no" } : { n: { old: i, new: i + 1 } },
      outcome,
      ip: "192.0.2.1",
      userAgent: i === 7 ? "=HYPERLINK(\"http://x\")" : "agent",
      createdAt,
    });
  }
  await w.database.db.insert(auditEvents).values(rows);
  // Bob leaves: his events stay, found by his email or his old id.
  await w.core.delete(w.as(c.admin), bobId);
  seeded = seeded.concat([{ action: "user.deleted", createdAt: new Date(), outcome: "success", actor: "admin" }]);
});
afterAll(() => w?.close());

const auditor = () => w.as(c.auditor);

/** Every page following nextCursor. */
async function all(p: Principal, query: Record<string, unknown>): Promise<AuditEventDTO[]> {
  const out: AuditEventDTO[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const page = await w.core.auditEvents(p, { ...query, cursor });
    out.push(...page.data);
    cursor = page.nextCursor ?? undefined;
    if (!cursor) return out;
  }
  throw new Error("paging did not end");
}

const newestFirst = (events: AuditEventDTO[]) =>
  events.every((e, i) => i === 0 || e.createdAt <= events[i - 1]!.createdAt);

describe("who may read the audit log", () => {
  it("admins and auditors; managers and members are refused, and the refusal is audited", async () => {
    expect((await w.core.auditEvents(w.as(c.admin), {})).data.length).toBeGreaterThan(0);
    expect((await w.core.auditEvents(auditor(), {})).data.length).toBeGreaterThan(0);
    for (const who of [c.manager, c.member]) {
      const mark = await auditMark(w);
      await expectCode(w.core.auditEvents(w.as(who), {}), "FORBIDDEN");
      expect(await mark.since()).toMatchObject([{ actorId: who.id, action: "audit:read", outcome: "refused" }]);
    }
  });

  it("an API key needs the audit:read scope", async () => {
    await expectCode(w.core.auditEvents(await apiKeyPrincipal(w, c.admin, ["users:read"]), {}), "FORBIDDEN");
    const ok = await w.core.auditEvents(await apiKeyPrincipal(w, c.auditor, ["audit:read"]), { limit: 10 });
    expect(ok.data).toHaveLength(10);
  });

  it("only ever shows the caller's own organization", async () => {
    const mine = await all(auditor(), { limit: 100 });
    expect(mine.filter((e) => e.targetEmail === bobEmail)).toHaveLength(61);
    const theirs = await all(w.as(w.u.auditor), { limit: 100 });
    expect(theirs.some((e) => e.targetEmail === bobEmail)).toBe(false);
    // Naming another org's user finds nothing, and says nothing about them.
    expect((await w.core.auditEvents(auditor(), { target: w.u.member.id })).data).toEqual([]);
    expect((await w.core.auditEvents(auditor(), { actor: "admin@a.test" })).data).toEqual([]);
  });
});

describe("paging", () => {
  it("walks every event once, newest first, ties broken by id, and back again", async () => {
    const bob = { target: bobEmail };
    const events = await all(auditor(), { ...bob, limit: 10 });
    expect(events).toHaveLength(61);
    expect(new Set(events.map((e) => e.id)).size).toBe(61);
    expect(newestFirst(events)).toBe(true);
    expect(events[0]!.action).toBe("user.deleted");

    // Forward to the fourth page (inside the 25 equal timestamps), then back one page.
    let page = await w.core.auditEvents(auditor(), { ...bob, limit: 10 });
    for (let i = 0; i < 3; i++) page = await w.core.auditEvents(auditor(), { ...bob, limit: 10, cursor: page.nextCursor! });
    expect(page.data.map((e) => e.id)).toEqual(events.slice(30, 40).map((e) => e.id));
    const back = await w.core.auditEvents(auditor(), { ...bob, limit: 10, cursor: page.prevCursor! });
    expect(back.data.map((e) => e.id)).toEqual(events.slice(20, 30).map((e) => e.id));
    expect(back.nextCursor).not.toBeNull();
    const again = await w.core.auditEvents(auditor(), { ...bob, limit: 10, cursor: back.prevCursor! });
    expect(again.data.map((e) => e.id)).toEqual(events.slice(10, 20).map((e) => e.id));
    const first = await w.core.auditEvents(auditor(), { ...bob, limit: 10 });
    expect(first.prevCursor).toBeNull();
  });

  it("totals are exact for small results", async () => {
    const r = await w.core.auditEvents(auditor(), { target: bobEmail, limit: 10 });
    expect(r).toMatchObject({ total: 61, totalExact: true });
  });

  it("clamps the page size to 10–100 and refuses bad input with VALIDATION", async () => {
    expect((await w.core.auditEvents(auditor(), { limit: 1 })).data).toHaveLength(10);
    expect((await w.core.auditEvents(auditor(), { target: bobEmail, limit: "1e9" })).data).toHaveLength(61);
    await expectCode(w.core.auditEvents(auditor(), { cursor: "garbage" }), "VALIDATION");
    const forged = Buffer.from(JSON.stringify(["not a time", bobId, "n"])).toString("base64url");
    await expectCode(w.core.auditEvents(auditor(), { cursor: forged }), "VALIDATION");
    await expectCode(w.core.auditEvents(auditor(), { orgId: w.orgA }), "VALIDATION");
    await expectCode(w.core.auditEvents(auditor(), { action: "x'; drop table users --" }), "VALIDATION");
    await expectCode(w.core.auditEvents(auditor(), { outcome: "maybe" }), "VALIDATION");
    const bad = await expectCode(w.core.auditEvents(auditor(), { from: "yesterday" }), "VALIDATION");
    expect(bad.fields?.from).toBeDefined();
    const reversed = await expectCode(w.core.auditEvents(auditor(), { from: "2026-03-05", to: "2026-03-02" }), "VALIDATION");
    expect(reversed.fields?.to).toEqual(["The end of the range must come after its start"]);
    await expectCode(w.core.auditEvents(auditor(), { from: "2026-02-30" }), "VALIDATION");
  });
});

describe("filters", () => {
  const count = (pred: (s: (typeof seeded)[number]) => boolean) => seeded.filter(pred).length;

  it("by actor: id or email, case-insensitive", async () => {
    const byId = await all(auditor(), { actor: c.alice.id, limit: 100 });
    expect(byId).toHaveLength(count((s) => s.actor === "alice"));
    expect(byId.every((e) => e.actorId === c.alice.id)).toBe(true);
    const byEmail = await all(auditor(), { actor: "  ALICE@C.TEST ", limit: 100 });
    expect(byEmail.map((e) => e.id)).toEqual(byId.map((e) => e.id));
  });

  it("by target: a deleted user by their stored email or old id", async () => {
    const byEmail = await all(auditor(), { target: "bob.gone@c.test", limit: 100 });
    expect(byEmail).toHaveLength(61);
    expect(byEmail[0]).toMatchObject({ action: "user.deleted", targetId: bobId, targetEmail: bobEmail });
    expect(await all(auditor(), { target: bobId, limit: 100 })).toHaveLength(61);
  });

  it("by action (one or several) and outcome", async () => {
    expect(await all(auditor(), { action: "user.updated", limit: 100 })).toHaveLength(count((s) => s.action === "user.updated"));
    const two = await all(auditor(), { action: ["user.updated", "user.deleted"], limit: 100 });
    expect(two).toHaveLength(count((s) => s.action === "user.updated" || s.action === "user.deleted"));
    const refused = await all(auditor(), { outcome: "refused", target: bobEmail, limit: 100 });
    expect(refused).toHaveLength(10);
    expect(refused.every((e) => e.outcome === "refused" && e.changes?.code === "FORBIDDEN")).toBe(true);
  });

  it("by actor role (whoever holds it now)", async () => {
    const admins = await all(auditor(), { actorRole: "admin", target: bobId, limit: 10 });
    expect(newestFirst(admins)).toBe(true);
    expect(new Set(admins.map((e) => e.id)).size).toBe(admins.length);
    expect(admins).toHaveLength(count((s) => s.actor === "admin"));
    expect(admins.every((e) => e.actorId === c.admin.id)).toBe(true);
  });

  it("by date range: a date means the whole UTC day; date-times are exact; the end is exclusive", async () => {
    const day = (d: number) => new Date(DAY0 + d * 86_400_000).toISOString().slice(0, 10);
    const inRange = (from: number, to: number) => count((s) => s.createdAt.getTime() >= from && s.createdAt.getTime() < to);
    const d1 = await all(auditor(), { from: day(1), to: day(1), limit: 100 });
    expect(d1).toHaveLength(inRange(at(1, 0).getTime(), at(2, 0).getTime()));
    expect(d1.every((e) => e.createdAt.startsWith(day(1)))).toBe(true);
    const span = await all(auditor(), { from: day(2), to: day(3), limit: 100 });
    expect(span).toHaveLength(inRange(at(2, 0).getTime(), at(4, 0).getTime()));
    const exact = await all(auditor(), { from: at(3, 12).toISOString(), to: "2026-03-04T12:00:01+00:00", limit: 100 });
    expect(exact).toHaveLength(inRange(at(3, 12).getTime(), at(3, 12).getTime() + 1000));
    expect(await all(auditor(), { from: "2030-01-01", limit: 100 })).toEqual([]);
  });

  it("combine, and page within the filter", async () => {
    const q = { actor: "alice@c.test", outcome: "success", from: "2026-03-02", limit: 10 };
    const events = await all(auditor(), q);
    const expected = count((s) => s.actor === "alice" && s.outcome === "success" && s.createdAt >= at(1, 0));
    expect(events).toHaveLength(expected);
    expect(newestFirst(events)).toBe(true);
    expect((await w.core.auditEvents(auditor(), q)).total).toBe(expected);
  });
});

describe("export", () => {
  async function exportText(p: Principal, query: unknown, format: "csv" | "json" | "ndjson") {
    const file = await w.core.exportAuditEvents(p, query, format);
    const bytes = await streamBytes(file.body);
    return { file, bytes, text: utf8(bytes) };
  }

  it("CSV: BOM, the columns, every matching event newest first, formula cells neutralized", async () => {
    const listed = await all(auditor(), { target: bobEmail, limit: 100 });
    const { file, bytes, text } = await exportText(auditor(), { target: bobEmail }, "csv");
    expect(file.contentType).toMatch(/^text\/csv/);
    expect(file.filename).toMatch(/^roster-audit-\d{4}-\d{2}-\d{2}\.csv$/);
    expect([...bytes.slice(0, 3)]).toEqual([...UTF8_BOM]);
    expect(text.slice(1).split("\r\n")[0]).toBe(AUDIT_EXPORT_COLUMNS.join(","));
    const rows = csvObjects(text.slice(1));
    expect(rows.map((r) => r.id)).toEqual(listed.map((e) => e.id));
    const hostile = rows.find((r) => r.userAgent?.includes("HYPERLINK"));
    expect(hostile?.userAgent).toBe(`'=HYPERLINK("http://x")`);
    const refused = rows.find((r) => r.outcome === "refused")!;
    expect(JSON.parse(refused.changes!)).toEqual({ code: "FORBIDDEN", message: "no" });
  });

  it("JSON and NDJSON hold the same events as the list", async () => {
    const listed = await all(auditor(), { action: "user.updated", limit: 100 });
    const json = JSON.parse((await exportText(auditor(), { action: "user.updated", limit: 10, cursor: "x" }, "json")).text) as AuditEventDTO[];
    expect(json).toEqual(listed);
    const nd = (await exportText(auditor(), { action: "user.updated" }, "ndjson")).text.trim().split("\n").map((l) => JSON.parse(l) as AuditEventDTO);
    expect(nd).toEqual(listed);
    expect(JSON.parse((await exportText(auditor(), { from: "2030-01-01" }, "json")).text)).toEqual([]);
  });

  it("crosses batch boundaries", async () => {
    // Enough events in one org to fill more than one batch.
    const [org] = await w.database.db.insert(organizations).values({ name: "Org D", slug: "org-d" }).returning();
    const d = await w.addUser(org!.id, "auditor@d.test", "auditor");
    const n = AUDIT_EXPORT_BATCH_SIZE + 7;
    await w.database.db.insert(auditEvents).values(
      Array.from({ length: n }, (_, i) => ({
        orgId: org!.id, actorId: d.id, actorEmail: d.email, action: "user.updated", outcome: "success" as const,
        createdAt: new Date(DAY0 + (i % 3) * 1000),
      })),
    );
    const rows = JSON.parse((await exportText(w.as(d), { action: "user.updated" }, "json")).text) as AuditEventDTO[];
    expect(rows).toHaveLength(n);
    expect(new Set(rows.map((r) => r.id)).size).toBe(n);
    expect(newestFirst(rows)).toBe(true);
  });

  it("is audited once, with the filter and format; a refusal and bad input are audited too", async () => {
    let mark = await auditMark(w);
    await exportText(auditor(), { actor: "alice@c.test", limit: 50 }, "json");
    expect(await mark.since()).toMatchObject([
      { actorId: c.auditor.id, action: "audit.exported", outcome: "success", changes: { format: "json", filter: { actor: "alice@c.test" } } },
    ]);
    mark = await auditMark(w);
    await expectCode(w.core.exportAuditEvents(w.as(c.manager), {}, "csv"), "FORBIDDEN");
    await expectCode(w.core.exportAuditEvents(auditor(), {}, "xlsx"), "VALIDATION");
    await expectCode(w.core.exportAuditEvents(auditor(), { orgId: w.orgA }, "csv"), "VALIDATION");
    expect((await mark.since()).map((e) => [e.action, e.outcome, e.actorId])).toEqual([
      ["audit.exported", "refused", c.manager.id],
      ["audit.exported", "refused", c.auditor.id],
      ["audit.exported", "refused", c.auditor.id],
    ]);
  });
});

describe("the drawer's timeline reads the same source", () => {
  it("equals the log filtered on the user's id", async () => {
    const target = await w.addUser(orgC, "timeline@c.test", "member");
    await w.core.update(w.as(c.admin), target.id, { name: "T" });
    await w.core.changeRole(w.as(c.admin), target.id, { role: "auditor" });
    const timeline = await w.core.timeline(auditor(), target.id);
    expect(timeline).toEqual((await w.core.auditEvents(auditor(), { target: target.id })).data);
    expect(timeline.map((e) => e.action)).toEqual(["user.role_changed", "user.updated"]);
  });
});
