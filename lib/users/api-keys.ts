import "server-only";
// API keys: a person mints keys for automation, with scopes within their own role, sees each
// key once, lists and revokes their own. Keys die with their owner's deactivation or deletion
// (lifecycle.ts `cutAccess`) and a lowered role revokes the keys it could no longer grant.
import { randomBytes } from "node:crypto";
import { and, desc, eq, isNull, lt, or } from "drizzle-orm";
import { z } from "zod";
import { apiKeys, users } from "../db/schema";
import { randomToken, safeEqual, sha256 } from "../security/tokens";
import { API_KEY_RE, createApiKeySchema } from "../validation/api-keys";
import { forbidden, notFound, parseInput, unauthenticated } from "./errors";
import { audit, authorize, isUuid, mutate, read, rememberVerifiedActor, type CoreDeps } from "./context";
import { ROLE_SCOPES, scopesAllowed } from "./policy";
import type { ApiKeyDTO, ApiKeyState, CreatedApiKey, Principal } from "./types";

type ApiKeyRow = typeof apiKeys.$inferSelect;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function apiKeyState(row: Pick<ApiKeyRow, "revokedAt" | "expiresAt">, now: Date): ApiKeyState {
  if (row.revokedAt) return "revoked";
  if (row.expiresAt && row.expiresAt <= now) return "expired";
  return "active";
}

function toApiKeyDTO(row: ApiKeyRow, now: Date): ApiKeyDTO {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: [...row.scopes],
    state: apiKeyState(row, now),
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: iso(row.lastUsedAt),
    expiresAt: iso(row.expiresAt),
    revokedAt: iso(row.revokedAt),
  };
}

/** A new key: a visible prefix (48 random bits, for lists and logs) and a 256-bit secret. */
function mintKey() {
  const prefix = `rk_${randomBytes(6).toString("hex")}`;
  const secret = randomToken(32);
  return { prefix, secret, token: `${prefix}_${secret}` };
}

/**
 * Mints a key for the caller. Its scopes must be within the caller's role (an auditor's keys
 * are read-only); an API key cannot mint keys. The full key is returned once, never stored.
 */
export async function createApiKey(deps: CoreDeps, principal: Principal, input: unknown): Promise<CreatedApiKey> {
  const v = parseInput(createApiKeySchema, input);
  return mutate(deps, principal, "api_key.created", { id: principal.userId, email: principal.email }, async (tx, actor, now) => {
    authorize(actor, "api_keys:own");
    if (!scopesAllowed(actor.role, v.scopes)) {
      const allowed = ROLE_SCOPES[actor.role];
      const above = v.scopes.filter((s) => !allowed.includes(s));
      throw forbidden(
        `A ${actor.role}'s key cannot carry ${above.join(", ")} (allowed: ${allowed.join(", ") || "none"})`,
      );
    }
    const { prefix, secret, token } = mintKey();
    const expiresAt = v.expiresInDays ? new Date(now.getTime() + v.expiresInDays * 86_400_000) : null;
    const [row] = await tx
      .insert(apiKeys)
      .values({
        orgId: actor.orgId,
        userId: actor.userId,
        name: v.name,
        prefix,
        secretHash: sha256(secret),
        scopes: v.scopes,
        createdAt: now,
        expiresAt,
      })
      .returning();
    await audit(
      tx,
      actor,
      {
        action: "api_key.created",
        target: { id: actor.userId, email: actor.email },
        changes: { apiKey: { id: row!.id, prefix, name: v.name, scopes: v.scopes, expiresAt: iso(expiresAt) } },
      },
      now,
    );
    return { key: toApiKeyDTO(row!, now), token };
  });
}

/** The caller's own keys, newest first (revoked and expired ones too, labelled). */
export async function listApiKeys(deps: CoreDeps, principal: Principal): Promise<ApiKeyDTO[]> {
  return read(deps, principal, "api_keys:own", async (db, actor) => {
    const rows = await db
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.userId, actor.userId), eq(apiKeys.orgId, actor.orgId)))
      .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
    const now = deps.now();
    return rows.map((r) => toApiKeyDTO(r, now));
  });
}

const keyIdSchema = z.string().trim().refine(isUuid, "Not an API key id");

/** Revokes one of the caller's own keys (someone else's is NOT_FOUND); revoking twice is a no-op. */
export async function revokeApiKey(deps: CoreDeps, principal: Principal, id: unknown): Promise<ApiKeyDTO> {
  const keyId = parseInput(keyIdSchema, id).toLowerCase();
  return mutate(deps, principal, "api_key.revoked", { id: principal.userId, email: principal.email }, async (tx, actor, now) => {
    authorize(actor, "api_keys:own");
    const [row] = await tx
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.id, keyId), eq(apiKeys.userId, actor.userId), eq(apiKeys.orgId, actor.orgId)))
      .for("update");
    if (!row) throw notFound("No such API key of yours");
    if (row.revokedAt) return toApiKeyDTO(row, now);
    const [revoked] = await tx.update(apiKeys).set({ revokedAt: now }).where(eq(apiKeys.id, row.id)).returning();
    await audit(
      tx,
      actor,
      {
        action: "api_key.revoked",
        target: { id: actor.userId, email: actor.email },
        changes: { apiKey: { id: row.id, prefix: row.prefix, name: row.name } },
      },
      now,
    );
    return toApiKeyDTO(revoked!, now);
  });
}

/** `last_used_at` is written at most once a minute per key (here per process, in SQL across instances). */
export const LAST_USED_GRANULARITY_MS = 60_000;
const lastUsedWrites = new Map<string, number>();

const BAD_KEY = "The API key is not valid, or it was revoked or has expired";

/**
 * The principal behind a bearer API key, or UNAUTHENTICATED (one message for an unknown,
 * wrong, revoked or expired key, and for a key whose owner is deactivated or deleted).
 */
export async function authenticateApiKey(
  deps: CoreDeps,
  token: unknown,
  meta: { ip?: string | null; userAgent?: string | null } = {},
): Promise<Principal> {
  const m = typeof token === "string" ? API_KEY_RE.exec(token.trim()) : null;
  if (!m) throw unauthenticated(BAD_KEY);
  const [, prefix, secret] = m as unknown as [string, string, string];
  const [found] = await deps.db
    .select({ key: apiKeys, user: { email: users.email, name: users.name, role: users.role, status: users.status, orgId: users.orgId } })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(eq(apiKeys.prefix, prefix));
  const now = deps.now();
  if (
    !found ||
    !safeEqual(found.key.secretHash, sha256(secret)) ||
    apiKeyState(found.key, now) !== "active" ||
    found.user.status !== "active" ||
    found.user.orgId !== found.key.orgId
  ) {
    throw unauthenticated(BAD_KEY);
  }
  const { key, user } = found;
  await touchLastUsed(deps, key.id, now);
  const principal: Principal = {
    kind: "api_key",
    userId: key.userId,
    orgId: key.orgId,
    email: user.email,
    role: user.role,
    scopes: [...key.scopes],
    apiKeyId: key.id,
    apiKeyPrefix: key.prefix,
    ip: meta.ip ?? null,
    userAgent: meta.userAgent ?? null,
  };
  // This request's core calls need not read the key and its owner again (resolveActor).
  rememberVerifiedActor(principal, { ...principal, scopes: [...key.scopes], name: user.name }, now);
  return principal;
}

async function touchLastUsed(deps: CoreDeps, keyId: string, now: Date) {
  const last = lastUsedWrites.get(keyId);
  if (last !== undefined && now.getTime() - last < LAST_USED_GRANULARITY_MS) return;
  lastUsedWrites.set(keyId, now.getTime());
  if (lastUsedWrites.size > 10_000) lastUsedWrites.clear();
  try {
    await deps.db
      .update(apiKeys)
      .set({ lastUsedAt: now })
      .where(
        and(
          eq(apiKeys.id, keyId),
          or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, new Date(now.getTime() - LAST_USED_GRANULARITY_MS))),
        ),
      );
  } catch (err) {
    // Bookkeeping only: a failed write must not refuse a valid key.
    lastUsedWrites.delete(keyId);
    console.error("[roster] could not record an API key's last use:", err);
  }
}
