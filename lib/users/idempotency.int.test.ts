// Idempotency-Key on create and invite: a retry with the same key and input gets the first
// response and creates nothing; the same key with other input is refused; keys are per user
// and expire; one-time secrets are never stored.
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { idempotencyKeys, users } from "../db/schema";
import { createWorld, type World } from "../testing/fixtures";
import { expectCode, uniqueEmail } from "../testing/helpers";
import { emailKey } from "../validation/users";
import { createUsersCore, IDEMPOTENCY_TTL_HOURS, type IdempotencyOptions } from "./index";

let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(() => w?.close());

const usersWithEmail = async (email: string) =>
  w.database.db.select().from(users).where(eq(users.emailKey, emailKey(email)));
const keyCount = async () =>
  Number((await w.database.db.select({ n: sql<number>`count(*)::int` }).from(idempotencyKeys))[0]!.n);

describe("create with an Idempotency-Key", () => {
  it("a retry with the same key and body (after parsing: white space trimmed) returns the first response and creates once", async () => {
    const email = uniqueEmail("idem");
    const body = { email, name: "Ida", role: "member", inviteMode: "none" };
    const first: IdempotencyOptions = { idempotencyKey: "create-1" };
    const a = await w.core.create(w.as(w.u.admin), body, first);
    expect(first.replayed).toBeUndefined();
    expect(a.invitationLink).toMatch(/\/invite\//);
    const retry: IdempotencyOptions = { idempotencyKey: "create-1" };
    const b = await w.core.create(w.as(w.u.admin), { ...body, email: ` ${email} ` }, retry);
    expect(retry.replayed).toBe(true);
    expect(b.user).toEqual(a.user);
    // The link was a one-time secret: not kept for replays.
    expect(b.invitationLink).toBeUndefined();
    expect(await usersWithEmail(email)).toHaveLength(1);
    const [stored] = await w.database.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, "create-1"));
    expect(JSON.stringify(stored!.response)).not.toContain("/invite/");
  });

  it("without a key, a second identical request is a CONFLICT (email taken)", async () => {
    const email = uniqueEmail("nokey");
    await w.core.create(w.as(w.u.admin), { email });
    await expectCode(w.core.create(w.as(w.u.admin), { email }), "CONFLICT");
  });

  it("the same key with a different body: VALIDATION naming the key, nothing created", async () => {
    const email = uniqueEmail("first");
    await w.core.create(w.as(w.u.admin), { email }, { idempotencyKey: "create-2" });
    const other = uniqueEmail("other");
    const err = await expectCode(w.core.create(w.as(w.u.admin), { email: other }, { idempotencyKey: "create-2" }), "VALIDATION");
    expect(err.fields).toHaveProperty("Idempotency-Key");
    expect(await usersWithEmail(other)).toHaveLength(0);
    // ... and the same key for another operation is a different request too.
    await expectCode(w.core.invite(w.as(w.u.admin), { emails: [email] }, { idempotencyKey: "create-2" }), "VALIDATION");
  });

  it("a temporary password is never stored; the replay carries none", async () => {
    const email = uniqueEmail("temp");
    const a = await w.core.create(w.as(w.u.admin), { email, inviteMode: "temporary_password" }, { idempotencyKey: "temp-1" });
    expect(a.temporaryPassword).toBeTruthy();
    const [stored] = await w.database.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, "temp-1"));
    expect(JSON.stringify(stored!.response)).not.toContain(a.temporaryPassword!);
    const b = await w.core.create(w.as(w.u.admin), { email, inviteMode: "temporary_password" }, { idempotencyKey: "temp-1" });
    expect(b).toEqual({ user: a.user });
  });

  it("keys are per user: another person's same key is a new request", async () => {
    const e1 = uniqueEmail("per-user-1");
    const e2 = uniqueEmail("per-user-2");
    await w.core.create(w.as(w.u.admin), { email: e1 }, { idempotencyKey: "shared" });
    const opts: IdempotencyOptions = { idempotencyKey: "shared" };
    const b = await w.core.create(w.as(w.u.admin2), { email: e2 }, opts);
    expect(opts.replayed).toBeUndefined();
    expect(b.user.email).toBe(e2);
  });

  it("a refused request stores nothing: the retry is judged again", async () => {
    const email = uniqueEmail("refused");
    const before = await keyCount();
    await expectCode(w.core.create(w.as(w.u.manager), { email, role: "admin" }, { idempotencyKey: "refused-1" }), "FORBIDDEN");
    expect(await keyCount()).toBe(before);
    await w.core.create(w.as(w.u.admin), { email }, { idempotencyKey: "taken-1" });
    const taken = uniqueEmail("taken");
    await w.core.create(w.as(w.u.admin2), { email: taken });
    await expectCode(w.core.create(w.as(w.u.admin), { email: taken }, { idempotencyKey: "taken-2" }), "CONFLICT");
    await expectCode(w.core.create(w.as(w.u.admin), { email: taken }, { idempotencyKey: "taken-2" }), "CONFLICT");
  });

  it("a bad key: VALIDATION, nothing created", async () => {
    const email = uniqueEmail("badkey");
    for (const key of ["", "has space", "x".repeat(256), "ключ"]) {
      expect((await expectCode(w.core.create(w.as(w.u.admin), { email }, { idempotencyKey: key }), "VALIDATION")).fields).toHaveProperty("Idempotency-Key");
    }
    expect(await usersWithEmail(email)).toHaveLength(0);
  });

  it("concurrent retries with one key create once (the org lock serializes them)", async () => {
    const email = uniqueEmail("race");
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, () => w.core.create(w.as(w.u.admin), { email }, { idempotencyKey: "race-1" })),
    );
    expect(results.every((r) => r.status === "fulfilled")).toBe(true);
    const ids = new Set(results.map((r) => (r as PromiseFulfilledResult<{ user: { id: string } }>).value.user.id));
    expect(ids.size).toBe(1);
    expect(await usersWithEmail(email)).toHaveLength(1);
  });

  it(`keys expire after ${IDEMPOTENCY_TTL_HOURS} hours: the key then starts a new request, and old records are deleted`, async () => {
    let t = new Date("2032-01-01T00:00:00Z");
    const core = createUsersCore(w.database.db, { appUrl: "http://roster.test" }, () => t);
    const e1 = uniqueEmail("exp-1");
    await core.create(w.as(w.u.admin), { email: e1 }, { idempotencyKey: "exp" });
    t = new Date(t.getTime() + (IDEMPOTENCY_TTL_HOURS + 1) * 3_600_000);
    const e2 = uniqueEmail("exp-2");
    const opts: IdempotencyOptions = { idempotencyKey: "exp" };
    expect((await core.create(w.as(w.u.admin), { email: e2 }, opts)).user.email).toBe(e2);
    expect(opts.replayed).toBeUndefined();
    const left = await w.database.db.select().from(idempotencyKeys).where(sql`${idempotencyKeys.expiresAt} <= ${t}`);
    expect(left).toEqual([]);
  });
});

describe("invite with an Idempotency-Key", () => {
  it("a retry returns the first outcomes (without links) and invites nobody twice", async () => {
    const emails = [uniqueEmail("inv-a"), uniqueEmail("inv-b")];
    const a = await w.core.invite(w.as(w.u.manager), { emails, inviteMode: "none" }, { idempotencyKey: "invite-1" });
    expect(a.map((r) => r.outcome)).toEqual(["invited", "invited"]);
    expect(a[0]!.invitationLink).toBeTruthy();
    const opts: IdempotencyOptions = { idempotencyKey: "invite-1" };
    const b = await w.core.invite(w.as(w.u.manager), { emails, inviteMode: "none" }, opts);
    expect(opts.replayed).toBe(true);
    expect(b).toEqual(a.map((r) => ({ ...r, invitationLink: undefined })));
    expect(b.every((r) => !("invitationLink" in r))).toBe(true);
    for (const e of emails) expect(await usersWithEmail(e)).toHaveLength(1);
  });
});
