// Assertions and small builders shared by the core's integration tests.
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { assert, expect } from "vitest";
import { queryRows } from "../db/client";
import { apiKeys, auditEvents, type AuditEventRow, type UserRow } from "../db/schema";
import { sha256 } from "../security/tokens";
import { RosterError } from "../users/errors";
import type { Principal } from "../users/types";
import type { ErrorCode, Scope } from "../validation/enums";
import type { World } from "./fixtures";

/** Awaits a call that must fail with a RosterError of `code`; returns the error. */
export async function expectCode(call: Promise<unknown>, code: ErrorCode): Promise<RosterError> {
  let caught: unknown;
  let value: unknown;
  try {
    value = await call;
  } catch (err) {
    caught = err;
  }
  if (caught === undefined) {
    assert.fail(`expected ${code}, but the call succeeded with ${JSON.stringify(value)?.slice(0, 300)}`);
  }
  if (!(caught instanceof RosterError)) {
    assert.fail(`expected RosterError ${code}, got a raw error: ${String(caught)}`);
  }
  expect({ code: caught.code, message: caught.message }).toMatchObject({ code });
  return caught;
}

/** Inserts an API key for `user` and returns the principal a door would build from it. */
export async function apiKeyPrincipal(
  w: World,
  user: UserRow,
  scopes: Scope[],
  opts: { revokedAt?: Date | null; expiresAt?: Date | null } = {},
): Promise<Principal> {
  const prefix = `rk_${randomBytes(8).toString("hex")}`;
  const [key] = await w.database.db
    .insert(apiKeys)
    .values({
      orgId: user.orgId,
      userId: user.id,
      name: `test key ${prefix}`,
      prefix,
      secretHash: sha256(prefix),
      scopes,
      revokedAt: opts.revokedAt ?? null,
      expiresAt: opts.expiresAt ?? null,
    })
    .returning();
  return {
    kind: "api_key",
    userId: user.id,
    orgId: user.orgId,
    email: user.email,
    role: user.role,
    scopes,
    apiKeyId: key!.id,
  };
}

export async function apiKeysOf(w: World, userId: string) {
  return w.database.db.select().from(apiKeys).where(sql`${apiKeys.userId} = ${userId}`);
}

/** Every audit event, oldest first. */
export async function allAudit(w: World): Promise<AuditEventRow[]> {
  return w.database.db.select().from(auditEvents).orderBy(auditEvents.createdAt, auditEvents.id);
}

/**
 * Marks the audit log now; `since()` answers the events written after the mark (by id, since
 * several events of one transaction share a timestamp).
 */
export async function auditMark(w: World): Promise<{ since: () => Promise<AuditEventRow[]> }> {
  const before = new Set((await allAudit(w)).map((e) => e.id));
  return { since: async () => (await allAudit(w)).filter((e) => !before.has(e.id)) };
}

/** Runs raw SQL (DDL for fault injection, counts). */
export async function exec<T = Record<string, unknown>>(w: World, text: string): Promise<T[]> {
  return queryRows<T>(w.database.db, sql.raw(text));
}

/** Runs `body` with a trigger installed, dropping it afterwards whatever happens. */
export async function withTrigger<T>(
  w: World,
  name: string,
  table: string,
  timing: string,
  fnBody: string,
  body: () => Promise<T>,
): Promise<T> {
  await exec(w, `create function ${name}_fn() returns trigger language plpgsql as $$ ${fnBody} $$`);
  await exec(w, `create trigger ${name} ${timing} on ${table} for each row execute function ${name}_fn()`);
  try {
    return await body();
  } finally {
    await exec(w, `drop trigger if exists ${name} on ${table}`);
    await exec(w, `drop function if exists ${name}_fn()`);
  }
}

let counter = 0;
/** A unique email for a test-made user. */
export const uniqueEmail = (label: string, domain = "a.test") =>
  `${label}-${++counter}-${randomBytes(3).toString("hex")}@${domain}`;
