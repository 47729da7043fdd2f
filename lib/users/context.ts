import "server-only";
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { apiKeys, auditEvents, invitations, organizations, users, type UserRow } from "../db/schema";
import type { Role } from "../validation/enums";
import { denial, type Permission } from "./policy";
import { forbidden, RosterError, unauthenticated } from "./errors";
import type { InvitationDTO, InvitationState, Principal, UserDTO } from "./types";

export interface CoreConfig {
  /** Base URL for links in emails, e.g. https://roster.example.com */
  appUrl: string;
  invitationTtlHours: number;
  passwordResetTtlHours: number;
  /** Rows per transaction in bulk operations. */
  bulkChunkSize: number;
  /** Most users a bulk operation by filter may match (default MAX_BULK_ITEMS). */
  bulkFilterLimit?: number;
  /**
   * A substring search whose planner estimate of matches is at most this reads the trigram
   * matches first and sorts them (lib/users/list.ts `searchPlan`); above it, the sort's index
   * is walked in order and filtered. Default SEARCH_MATCHES_FIRST_BELOW.
   */
  searchMatchesFirstBelow: number;
  /**
   * A term alone sorted by name, read matches first with more estimated matches than this, reads
   * users_search's partitions in name order until its page is full (lib/users/list.ts
   * `byPartition`). Default SEARCH_PARTITIONS_ABOVE.
   */
  searchPartitionsAbove: number;
}

export interface CoreDeps {
  db: Db;
  config: CoreConfig;
  now: () => Date;
}

/** The caller as the database knows them right now (role and status re-read). */
export interface Actor extends Principal {
  name: string;
}

type Executor = Db;

/**
 * Actors the core itself verified against the database a moment ago, by principal object: an
 * API key authenticated at the start of a request (authenticateApiKey reads the key and its
 * owner in one query) is not read again by the same request's call. Only an object the core
 * returned is found here (a copy or a forged principal is not), and only for
 * VERIFIED_ACTOR_MS; after that, or for any other principal, resolveActor reads the database.
 */
const verifiedActors = new WeakMap<Principal, { actor: Actor; at: number; generation: number }>();
export const VERIFIED_ACTOR_MS = 1_000;
/**
 * Bumped when a mutation of this process starts and when it ends: a remembered actor from an
 * earlier generation is read again, so a key revoked or an owner deactivated here is refused on
 * the very next call, even by a request that authenticated before.
 */
let generation = 0;

/** Records that `principal` was just verified as `actor` (by the core, from the database). */
export function rememberVerifiedActor(principal: Principal, actor: Actor, now: Date) {
  verifiedActors.set(principal, { actor, at: now.getTime(), generation });
}

/**
 * Re-reads the caller: a deactivated or deleted user, an ended session or a revoked key is
 * UNAUTHENTICATED at once, and a changed role takes effect on this very request. A read may
 * pass `{ reuseVerified: true }` to take an actor the core verified in the last
 * VERIFIED_ACTOR_MS; a mutation never does (it re-reads its caller under the org's lock).
 */
export async function resolveActor(
  tx: Executor,
  principal: Principal,
  now: Date,
  opts: {
    reuseVerified?: boolean;
    /**
     * A session whose password is temporary (set by an admin) may do nothing but change it
     * (SECURITY.md 12); this call is that change, or only asks whether the caller is signed in.
     */
    temporaryPasswordAllowed?: boolean;
  } = {},
): Promise<Actor> {
  const verified = opts.reuseVerified ? verifiedActors.get(principal) : undefined;
  const age = verified ? now.getTime() - verified.at : -1;
  if (verified && verified.generation === generation && age >= 0 && age < VERIFIED_ACTOR_MS) {
    return { ...verified.actor, scopes: verified.actor.scopes && [...verified.actor.scopes] };
  }
  if (principal.kind === "api_key") {
    // The key and its owner in one read.
    if (!principal.apiKeyId) throw unauthenticated("Unknown API key");
    const [row] = await tx
      .select({
        role: users.role,
        status: users.status,
        email: users.email,
        name: users.name,
        revokedAt: apiKeys.revokedAt,
        expiresAt: apiKeys.expiresAt,
        scopes: apiKeys.scopes,
      })
      .from(apiKeys)
      .innerJoin(users, eq(users.id, apiKeys.userId))
      .where(and(eq(apiKeys.id, principal.apiKeyId), eq(apiKeys.userId, principal.userId), eq(users.orgId, principal.orgId)));
    if (!row || row.status !== "active") throw unauthenticated("Your access has ended; sign in again");
    if (row.revokedAt || (row.expiresAt && row.expiresAt <= now)) {
      throw unauthenticated("This API key is revoked or expired");
    }
    // The key's own scopes bound it, whatever the principal claims (or if it claims none).
    const scopes = row.scopes.filter((s) => !principal.scopes || principal.scopes.includes(s));
    return { ...principal, scopes, role: row.role, email: row.email, name: row.name };
  }
  const [me] = await tx
    .select({
      role: users.role,
      status: users.status,
      email: users.email,
      name: users.name,
      sessionVersion: users.sessionVersion,
      mustChangePassword: users.mustChangePassword,
    })
    .from(users)
    .where(and(eq(users.id, principal.userId), eq(users.orgId, principal.orgId)));
  if (!me || me.status !== "active") throw unauthenticated("Your access has ended; sign in again");
  if (principal.kind === "session" && principal.sessionVersion !== me.sessionVersion) {
    throw unauthenticated("Your session has ended; sign in again");
  }
  if (principal.kind === "session" && me.mustChangePassword && !opts.temporaryPasswordAllowed) {
    throw forbidden("Your password is temporary: change it before doing anything else");
  }
  return { ...principal, role: me.role, email: me.email, name: me.name };
}

export function authorize(actor: { role: Role; scopes?: Principal["scopes"] }, permission: Permission) {
  const reason = denial(actor, permission);
  if (reason) throw forbidden(reason);
}

/** Serializes the org's mutations, so invariants over many rows (the last admin) hold under races. */
export async function lockOrg(tx: Executor, orgId: string): Promise<void> {
  await tx
    .select({ id: organizations.id })
    .from(organizations)
    .where(eq(organizations.id, orgId))
    .for("no key update");
}

export async function activeAdminIds(tx: Executor, orgId: string): Promise<Set<string>> {
  const rows = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.orgId, orgId), eq(users.role, "admin"), eq(users.status, "active")));
  return new Set(rows.map((r) => r.id));
}

export interface AuditInput {
  action: string;
  target?: { id: string | null; email: string | null } | null;
  changes?: Record<string, unknown> | null;
  outcome?: "success" | "refused";
}

export function auditRow(actor: Principal, e: AuditInput, now: Date) {
  return {
    orgId: actor.orgId,
    actorId: actor.userId,
    actorEmail: actor.email,
    action: e.action,
    targetId: e.target?.id ?? null,
    targetEmail: e.target?.email ?? null,
    changes: e.changes ?? null,
    outcome: e.outcome ?? "success",
    ip: actor.ip ?? null,
    userAgent: actor.userAgent?.slice(0, 500) ?? null,
    createdAt: now,
  } as const;
}

export async function audit(tx: Executor, actor: Principal, e: AuditInput, now: Date) {
  await tx.insert(auditEvents).values(auditRow(actor, e, now));
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string) => UUID_RE.test(s);

/**
 * Runs a mutation: one transaction that locks the org, re-reads the caller, runs the body and
 * its audit write; if refused, the refusal is audited on its own (the body's writes are gone).
 */
export async function mutate<T>(
  deps: CoreDeps,
  principal: Principal,
  action: string,
  target: { id?: string | null; email?: string | null; input?: string } | null,
  body: (tx: Executor, actor: Actor, now: Date) => Promise<T>,
  opts: { temporaryPasswordAllowed?: boolean } = {},
): Promise<T> {
  const now = deps.now();
  generation++;
  try {
    return await deps.db.transaction(async (tx) => {
      await lockOrg(tx, principal.orgId);
      const actor = await resolveActor(tx, principal, now, opts);
      return body(tx, actor, now);
    });
  } catch (err) {
    if (err instanceof RosterError && err.code !== "UNAUTHENTICATED" && err.code !== "INTERNAL") {
      await auditRefusal(deps, principal, action, target, err);
    }
    throw err;
  } finally {
    generation++;
  }
}

export async function auditRefusal(
  deps: CoreDeps,
  principal: Principal,
  action: string,
  target: { id?: string | null; email?: string | null; input?: string } | null,
  err: RosterError,
) {
  if (err.audited) return;
  err.audited = true;
  try {
    const targetId = target?.id && isUuid(target.id) ? target.id : null;
    await audit(
      deps.db,
      principal,
      {
        action,
        outcome: "refused",
        target: { id: targetId, email: target?.email ?? null },
        changes: {
          code: err.code,
          message: err.message,
          ...(target?.input !== undefined ? { input: target.input.slice(0, 320) } : {}),
        },
      },
      deps.now(),
    );
  } catch (auditErr) {
    console.error("[roster] could not audit a refusal:", auditErr);
  }
}

/**
 * Runs a read as the caller, re-checked against the database (reads change nothing). A refusal
 * is audited under the permission's name, or under `refusalAction` when the read has its own
 * audit event (the export's "users.exported").
 */
export async function read<T>(
  deps: CoreDeps,
  principal: Principal,
  permission: Permission,
  body: (db: Executor, actor: Actor) => Promise<T>,
  refusalAction: string = permission,
): Promise<T> {
  const actor = await resolveActor(deps.db, principal, deps.now(), { reuseVerified: true }).catch(async (err: unknown) => {
    // Refused as a whole (a temporary password): audited like a denial. Not signed in: not.
    if (err instanceof RosterError && err.code === "FORBIDDEN") await auditRefusal(deps, principal, refusalAction, null, err);
    throw err;
  });
  const reason = denial(actor, permission);
  if (reason) {
    const err = forbidden(reason);
    await auditRefusal(deps, principal, refusalAction, null, err);
    throw err;
  }
  return body(deps.db, actor);
}

export type InvitationRow = typeof invitations.$inferSelect;

export function invitationState(inv: InvitationRow, now: Date): InvitationState {
  if (inv.acceptedAt) return "accepted";
  if (inv.revokedAt) return "revoked";
  if (inv.expiresAt <= now) return "expired";
  return "pending";
}

export function invitationDTO(inv: InvitationRow | undefined, now: Date): InvitationDTO | null {
  if (!inv) return null;
  return {
    state: invitationState(inv, now),
    createdAt: inv.createdAt.toISOString(),
    sentAt: iso(inv.sentAt),
    expiresAt: inv.expiresAt.toISOString(),
    acceptedAt: iso(inv.acceptedAt),
    revokedAt: iso(inv.revokedAt),
  };
}

/** The latest invitation (kind "invitation") of each user named. */
export async function latestInvitations(
  db: Executor,
  userIds: string[],
): Promise<Map<string, InvitationRow>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .selectDistinctOn([invitations.userId])
    .from(invitations)
    .where(and(inArray(invitations.userId, userIds), eq(invitations.kind, "invitation")))
    .orderBy(invitations.userId, desc(invitations.createdAt));
  return new Map(rows.map((r) => [r.userId, r]));
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function toUserDTO(row: UserRow, invitation: InvitationRow | undefined, now: Date): UserDTO {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    status: row.status,
    isDeveloper: row.isDeveloper,
    mustChangePassword: row.mustChangePassword,
    hasPassword: row.passwordHash !== null,
    login: row.login,
    firstName: row.firstName,
    lastName: row.lastName,
    company: row.company,
    phone: row.phone,
    address: row.address,
    postalCode: row.postalCode,
    city: row.city,
    state: row.state,
    country: row.country,
    lastLoginAt: iso(row.lastLoginAt),
    invitedBy: row.invitedBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deactivatedAt: iso(row.deactivatedAt),
    version: row.version,
    invitation: invitationDTO(invitation, now),
  };
}

/** Columns to bump on every write of a user row. */
export const touch = (now: Date) => ({ updatedAt: now, version: sql`${users.version} + 1` });
/** Also ends every session of the user. */
export const touchAndEndSessions = (now: Date) => ({
  ...touch(now),
  sessionVersion: sql`${users.sessionVersion} + 1`,
});

/**
 * Audits input that a mutation refused before it ran (a crafted payload with extra fields, say),
 * once the caller is known to be signed in; a caller who is not gets UNAUTHENTICATED instead.
 */
export async function auditRejectedInput(
  deps: CoreDeps,
  principal: Principal,
  action: string,
  err: RosterError,
  ref: unknown,
): Promise<void> {
  if (err.audited || err.code !== "VALIDATION") return;
  // Only whether the caller is signed in: a temporary password's own change may be refused input.
  await resolveActor(deps.db, principal, deps.now(), { temporaryPasswordAllowed: true });
  const input = typeof ref === "string" ? ref : undefined;
  await auditRefusal(deps, principal, action, { id: input, input: input ?? JSON.stringify(err.fields ?? {}) }, err);
}
