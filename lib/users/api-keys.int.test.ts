// API keys at the core: minting within the role (SECURITY 2), one-time secrets stored hashed,
// listing and revoking one's own keys only, and authentication refusing revoked or expired keys
// and keys of deactivated or deleted owners (SECURITY 11, 25); every change audited.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeys, auditEvents } from "../db/schema";
import { sha256 } from "../security/tokens";
import { createWorld, type World } from "../testing/fixtures";
import { auditMark, expectCode, uniqueEmail } from "../testing/helpers";
import { createUsersCore } from "./index";
import { VERIFIED_ACTOR_MS } from "./context";
import type { Role, Scope } from "../validation/enums";

let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(() => w?.close());

const keyRow = async (id: string) => (await w.database.db.select().from(apiKeys).where(eq(apiKeys.id, id)))[0]!;

describe("createApiKey", () => {
  it("returns the full key once; stores only its prefix and the secret's SHA-256; audits", async () => {
    const mark = await auditMark(w);
    const { key, token } = await w.core.createApiKey(w.as(w.u.admin), { name: "CI", scopes: ["users:read", "users:write"] });
    expect(token).toMatch(/^rk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(token.startsWith(`${key.prefix}_`)).toBe(true);
    expect(key).toMatchObject({ name: "CI", scopes: ["users:read", "users:write"], state: "active", expiresAt: null, lastUsedAt: null });
    expect(JSON.stringify(key)).not.toContain(token.slice(key.prefix.length + 1));
    const row = await keyRow(key.id);
    expect(row.secretHash).toBe(sha256(token.slice(key.prefix.length + 1)));
    expect(row.userId).toBe(w.u.admin.id);
    const events = await mark.since();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: "api_key.created", outcome: "success", actorId: w.u.admin.id, targetId: w.u.admin.id });
    expect(JSON.stringify(events[0]!.changes)).not.toContain(token.slice(key.prefix.length + 1));
  });

  it("an optional expiry in days", async () => {
    const now = new Date();
    const { key } = await w.core.createApiKey(w.as(w.u.manager), { name: "week", scopes: ["users:read"], expiresInDays: 7 });
    const expires = new Date(key.expiresAt!).getTime();
    expect(Math.abs(expires - (now.getTime() + 7 * 86_400_000))).toBeLessThan(60_000);
  });

  const table: [Role, Scope[], boolean][] = [
    ["admin", ["users:read", "users:write", "users:delete", "audit:read"], true],
    ["manager", ["users:read", "users:write"], true],
    ["manager", ["users:delete"], false],
    ["manager", ["audit:read"], false],
    ["auditor", ["users:read", "audit:read"], true],
    ["auditor", ["users:write"], false],
    ["auditor", ["users:delete"], false],
  ];
  for (const [role, scopes, allowed] of table) {
    it(`a ${role} minting ${scopes.join("+")}: ${allowed ? "allowed" : "FORBIDDEN, nothing stored, refusal audited"}`, async () => {
      const user = await w.addUser(w.orgA, uniqueEmail(role), role);
      const call = () => w.core.createApiKey(w.as(user), { name: "k", scopes });
      if (allowed) {
        expect((await call()).key.scopes).toEqual(scopes);
        return;
      }
      // The mark first: on Postgres a call already running could audit before the mark is taken.
      const mark = await auditMark(w);
      await expectCode(call(), "FORBIDDEN");
      expect(await w.database.db.select().from(apiKeys).where(eq(apiKeys.userId, user.id))).toEqual([]);
      expect(await mark.since()).toMatchObject([{ action: "api_key.created", outcome: "refused", actorId: user.id }]);
    });
  }

  it("a member holds no keys; an API key cannot mint keys", async () => {
    await expectCode(w.core.createApiKey(w.as(w.u.member), { name: "k", scopes: ["users:read"] }), "FORBIDDEN");
    const { token } = await w.core.createApiKey(w.as(w.u.admin), { name: "parent", scopes: ["users:read", "users:write"] });
    const keyPrincipal = await w.core.authenticateApiKey(token);
    await expectCode(w.core.createApiKey(keyPrincipal, { name: "child", scopes: ["users:read"] }), "FORBIDDEN");
    await expectCode(w.core.listApiKeys(keyPrincipal), "FORBIDDEN");
  });

  it("bad input: VALIDATION naming the field, nothing stored", async () => {
    const before = (await w.database.db.select().from(apiKeys)).length;
    const p = w.as(w.u.admin);
    expect((await expectCode(w.core.createApiKey(p, { name: "", scopes: ["users:read"] }), "VALIDATION")).fields).toHaveProperty("name");
    expect((await expectCode(w.core.createApiKey(p, { name: "x", scopes: [] }), "VALIDATION")).fields).toHaveProperty("scopes");
    expect((await expectCode(w.core.createApiKey(p, { name: "x", scopes: ["root"] }), "VALIDATION")).fields).toHaveProperty(["scopes.0"]);
    expect((await expectCode(w.core.createApiKey(p, { name: "x", scopes: ["users:read", "users:read"] }), "VALIDATION")).fields).toHaveProperty("scopes");
    expect((await expectCode(w.core.createApiKey(p, { name: "x", scopes: ["users:read"], expiresInDays: 0 }), "VALIDATION")).fields).toHaveProperty("expiresInDays");
    expect((await expectCode(w.core.createApiKey(p, { name: "x", scopes: ["users:read"], expiresInDays: 1.5 }), "VALIDATION")).fields).toHaveProperty("expiresInDays");
    // SECURITY 6: a crafted owner or hash is refused by the strict schema.
    expect((await expectCode(w.core.createApiKey(p, { name: "x", scopes: ["users:read"], userId: w.u.admin2.id }), "VALIDATION")).fields).toHaveProperty("_");
    expect((await expectCode(w.core.createApiKey(p, { name: "x", scopes: ["users:read"], secretHash: "00" }), "VALIDATION")).message).toMatch(/secretHash/);
    expect((await w.database.db.select().from(apiKeys)).length).toBe(before);
  });
});

describe("listApiKeys and revokeApiKey", () => {
  it("lists only the caller's own keys, newest first, with their state and never a secret", async () => {
    const me = await w.addUser(w.orgA, uniqueEmail("lister"), "manager");
    const a = await w.core.createApiKey(w.as(me), { name: "first", scopes: ["users:read"] });
    const b = await w.core.createApiKey(w.as(me), { name: "second", scopes: ["users:write"] });
    await w.core.createApiKey(w.as(w.u.admin2), { name: "someone else's", scopes: ["users:read"] });
    await w.core.revokeApiKey(w.as(me), a.key.id);
    const list = await w.core.listApiKeys(w.as(me));
    expect(list.map((k) => [k.name, k.state])).toEqual([["second", "active"], ["first", "revoked"]]);
    expect(list[0]).toEqual(b.key);
    expect(Object.keys(list[0]!).sort()).toEqual(["createdAt", "expiresAt", "id", "lastUsedAt", "name", "prefix", "revokedAt", "scopes", "state"]);
  });

  it("revokes one's own key (audited); the key stops working at once; revoking again changes nothing", async () => {
    const { key, token } = await w.core.createApiKey(w.as(w.u.admin), { name: "to revoke", scopes: ["users:read"] });
    const principal = await w.core.authenticateApiKey(token);
    expect((await w.core.list(principal, {})).data.length).toBeGreaterThan(0);
    const mark = await auditMark(w);
    expect(await w.core.revokeApiKey(w.as(w.u.admin), key.id)).toMatchObject({ id: key.id, state: "revoked" });
    expect(await mark.since()).toMatchObject([{ action: "api_key.revoked", outcome: "success", changes: { apiKey: { id: key.id, prefix: key.prefix } } }]);
    await expectCode(w.core.authenticateApiKey(token), "UNAUTHENTICATED");
    // A principal resolved before the revocation is refused by the core too (SECURITY 25).
    await expectCode(w.core.list(principal, {}), "UNAUTHENTICATED");
    const again = await auditMark(w);
    expect((await w.core.revokeApiKey(w.as(w.u.admin), key.id)).state).toBe("revoked");
    expect(await again.since()).toEqual([]);
  });

  it("someone else's key, another org's key or a missing id: NOT_FOUND and the key lives on", async () => {
    const { key, token } = await w.core.createApiKey(w.as(w.u.admin2), { name: "mine", scopes: ["users:read"] });
    await expectCode(w.core.revokeApiKey(w.as(w.u.admin), key.id), "NOT_FOUND");
    await expectCode(w.core.revokeApiKey(w.as(w.u.bAdmin), key.id), "NOT_FOUND");
    await expectCode(w.core.revokeApiKey(w.as(w.u.admin), "00000000-0000-4000-8000-000000000000"), "NOT_FOUND");
    await expectCode(w.core.revokeApiKey(w.as(w.u.admin), "not-a-uuid"), "VALIDATION");
    expect((await keyRow(key.id)).revokedAt).toBeNull();
    expect((await w.core.authenticateApiKey(token)).apiKeyId).toBe(key.id);
  });
});

describe("authenticateApiKey", () => {
  it("answers the owner's principal, with the key's scopes", async () => {
    const { key, token } = await w.core.createApiKey(w.as(w.u.auditor), { name: "ro", scopes: ["users:read", "audit:read"] });
    const p = await w.core.authenticateApiKey(`  ${token} `, { ip: "10.0.0.1", userAgent: "curl/8" });
    expect(p).toEqual({
      kind: "api_key",
      userId: w.u.auditor.id,
      orgId: w.orgA,
      email: "auditor@a.test",
      role: "auditor",
      scopes: ["users:read", "audit:read"],
      apiKeyId: key.id,
      apiKeyPrefix: key.prefix,
      ip: "10.0.0.1",
      userAgent: "curl/8",
    });
  });

  it("one refusal for garbage, a wrong secret, an unknown prefix, a revoked or an expired key", async () => {
    const { key, token } = await w.core.createApiKey(w.as(w.u.admin), { name: "x", scopes: ["users:read"] });
    const secret = token.slice(key.prefix.length + 1);
    const wrongSecret = `${key.prefix}_${secret.slice(0, -1)}${secret.endsWith("A") ? "B" : "A"}`;
    const messages = new Set<string>();
    for (const bad of [undefined, 42, "", "Bearer x", `${token}x`, wrongSecret, `rk_000000000000_${secret}`]) {
      messages.add((await expectCode(w.core.authenticateApiKey(bad), "UNAUTHENTICATED")).message);
    }
    const expired = await w.core.createApiKey(w.as(w.u.admin), { name: "soon", scopes: ["users:read"], expiresInDays: 1 });
    const later = createUsersCore(w.database.db, { appUrl: "http://roster.test" }, () => new Date(Date.now() + 2 * 86_400_000));
    messages.add((await expectCode(later.authenticateApiKey(expired.token), "UNAUTHENTICATED")).message);
    expect(messages.size).toBe(1);
  });

  it("a deactivated owner's and a deleted owner's keys: UNAUTHENTICATED at once (SECURITY 11)", async () => {
    const gone = await w.addUser(w.orgA, uniqueEmail("leaver"), "manager");
    const deleted = await w.addUser(w.orgA, uniqueEmail("deleted"), "manager");
    const k1 = await w.core.createApiKey(w.as(gone), { name: "k", scopes: ["users:read"] });
    const k2 = await w.core.createApiKey(w.as(deleted), { name: "k", scopes: ["users:read"] });
    const p1 = await w.core.authenticateApiKey(k1.token);
    await w.core.deactivate(w.as(w.u.admin), gone.id);
    await expectCode(w.core.authenticateApiKey(k1.token), "UNAUTHENTICATED");
    await expectCode(w.core.list(p1, {}), "UNAUTHENTICATED");
    expect((await keyRow(k1.key.id)).revokedAt).not.toBeNull();
    // Reactivation does not bring the key back: it was revoked.
    await w.core.reactivate(w.as(w.u.admin), gone.id);
    await expectCode(w.core.authenticateApiKey(k1.token), "UNAUTHENTICATED");
    await w.core.delete(w.as(w.u.admin), deleted.id);
    await expectCode(w.core.authenticateApiKey(k2.token), "UNAUTHENTICATED");
  });

  it("a request's reads reuse its key check for at most VERIFIED_ACTOR_MS; copies, mutations and later calls read again", async () => {
    let t = new Date("2032-01-01T00:00:00Z");
    const core = createUsersCore(w.database.db, { appUrl: "http://roster.test" }, () => t);
    const owner = await w.addUser(w.orgA, uniqueEmail("window"), "manager");
    const { key, token } = await core.createApiKey(w.as(owner), { name: "window", scopes: ["users:read", "users:write"] });
    const p = await core.authenticateApiKey(token);
    // Revoked by another process (not through this core, which would end the window at once).
    await w.database.db.update(apiKeys).set({ revokedAt: t }).where(eq(apiKeys.id, key.id));
    // The same request's read, within the window, uses the check it just made...
    expect((await core.list(p, { limit: 10 })).data.length).toBeGreaterThan(0);
    // ...but a copy of the principal is not the object the core verified: read again.
    await expectCode(core.list({ ...p }, { limit: 10 }), "UNAUTHENTICATED");
    // A mutation always re-reads its caller under the org's lock.
    const target = await w.addUser(w.orgA, uniqueEmail("untouched"));
    await expectCode(core.update(p, target.id, { name: "Changed" }), "UNAUTHENTICATED");
    expect((await w.reload(target.id))!.name).not.toBe("Changed");
    // And after the window, the same object is read again.
    t = new Date(t.getTime() + VERIFIED_ACTOR_MS);
    await expectCode(core.list(p, { limit: 10 }), "UNAUTHENTICATED");
  });

  it("a mutation through the core ends every earlier key check's window at once", async () => {
    const owner = await w.addUser(w.orgA, uniqueEmail("revoked-here"), "manager");
    const { key, token } = await w.core.createApiKey(w.as(owner), { name: "k", scopes: ["users:read"] });
    const p = await w.core.authenticateApiKey(token);
    await w.core.revokeApiKey(w.as(owner), key.id);
    await expectCode(w.core.list(p, {}), "UNAUTHENTICATED");
  });

  it("a lowered role revokes the keys it could not grant", async () => {
    const m = await w.addUser(w.orgA, uniqueEmail("demoted"), "admin");
    const wide = await w.core.createApiKey(w.as(m), { name: "wide", scopes: ["users:read", "users:delete"] });
    const narrow = await w.core.createApiKey(w.as(m), { name: "narrow", scopes: ["users:read"] });
    await w.core.changeRole(w.as(w.u.admin), m.id, { role: "manager" });
    await expectCode(w.core.authenticateApiKey(wide.token), "UNAUTHENTICATED");
    expect((await w.core.authenticateApiKey(narrow.token)).role).toBe("manager");
  });

  it("records last_used_at, written at most once a minute", async () => {
    let t = new Date("2031-01-01T00:00:00Z");
    const core = createUsersCore(w.database.db, { appUrl: "http://roster.test" }, () => t);
    const { key, token } = await core.createApiKey(w.as(w.u.admin), { name: "clock", scopes: ["users:read"] });
    await core.authenticateApiKey(token);
    expect((await keyRow(key.id)).lastUsedAt?.toISOString()).toBe("2031-01-01T00:00:00.000Z");
    t = new Date("2031-01-01T00:00:30Z");
    await core.authenticateApiKey(token);
    expect((await keyRow(key.id)).lastUsedAt?.toISOString()).toBe("2031-01-01T00:00:00.000Z");
    t = new Date("2031-01-01T00:01:05Z");
    await core.authenticateApiKey(token);
    expect((await keyRow(key.id)).lastUsedAt?.toISOString()).toBe("2031-01-01T00:01:05.000Z");
    expect((await core.listApiKeys(w.as(w.u.admin))).find((k) => k.id === key.id)?.lastUsedAt).toBe("2031-01-01T00:01:05.000Z");
  });

  it("a key's principal can do no more than its scopes, nor more than its owner's role now (SECURITY 25)", async () => {
    const { token } = await w.core.createApiKey(w.as(w.u.admin), { name: "read only", scopes: ["users:read"] });
    const p = await w.core.authenticateApiKey(token);
    const target = await w.addUser(w.orgA, uniqueEmail("kept"));
    await expectCode(w.core.delete(p, target.id), "FORBIDDEN");
    expect(await w.reload(target.id)).toBeDefined();
    const refusal = await w.database.db.select().from(auditEvents).where(eq(auditEvents.targetId, target.id));
    expect(refusal).toMatchObject([{ action: "user.deleted", outcome: "refused", actorId: w.u.admin.id }]);
  });
});
