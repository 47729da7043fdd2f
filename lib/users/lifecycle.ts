import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { apiKeys, invitations, users, type UserRow } from "../db/schema";
import { commonPasswordProblem, generateTemporaryPassword, hashPassword, verifyPassword } from "../security/passwords";
import type { Role } from "../validation/enums";
import {
  changeOwnPasswordSchema,
  changeRoleSchema,
  patchUserSchema,
  resetPasswordSchema,
  setPasswordSchema,
  updateUserSchema,
} from "../validation/users";
import { forbidden, parseInput, RosterError } from "./errors";
import {
  activeAdminIds,
  audit,
  authorize,
  latestInvitations,
  mutate,
  toUserDTO,
  touch,
  touchAndEndSessions,
  type Actor,
  type CoreDeps,
} from "./context";
import { findUser } from "./list";
import { canEditTarget, canGrant, ROLE_SCOPES } from "./policy";
import { issueToken, revokePendingTokens } from "./tokens";
import type { Principal, UserDTO } from "./types";
import type { Db } from "../db/client";

const refSchema = z.string().trim().min(1, "Name a user").max(320);

/** Throws CONFLICT when the caller's copy of the user is stale. */
function checkVersion(row: UserRow, expected: number | undefined) {
  if (expected !== undefined && expected !== row.version) {
    throw new RosterError(
      "CONFLICT",
      "Someone else changed this user since you loaded it; reload to see their changes",
      { expectedVersion: [`The current version is ${row.version}`] },
    );
  }
}

/**
 * The guards of every operation that takes a user away from being an active admin, or acts on
 * a user as a whole: the last active admin stays, and nobody does it to themselves.
 */
export function lifecycleBlock(
  actor: Actor,
  target: Pick<UserRow, "id" | "role" | "status">,
  adminsLeftAfter: number | null,
): RosterError | null {
  if (adminsLeftAfter !== null && adminsLeftAfter < 1) {
    return new RosterError(
      "LAST_ADMIN",
      "This is the organization's last active admin; make someone else an admin first",
    );
  }
  if (target.id === actor.userId) {
    return new RosterError("SELF_ACTION", "You cannot do this to your own account");
  }
  return null;
}

/** Active admins left if `target` stopped being one (null when the target is not one). */
async function adminsLeftWithout(tx: Db, actor: Actor, target: Pick<UserRow, "id" | "role" | "status">) {
  if (target.role !== "admin" || target.status !== "active") return null;
  const admins = await activeAdminIds(tx, actor.orgId);
  admins.delete(target.id);
  return admins.size;
}

async function dto(tx: Db, row: UserRow, now: Date): Promise<UserDTO> {
  const inv = await latestInvitations(tx, [row.id]);
  return toUserDTO(row, inv.get(row.id), now);
}

function diff(before: UserRow, after: Partial<UserRow>): Record<string, { old: unknown; new: unknown }> {
  const changes: Record<string, { old: unknown; new: unknown }> = {};
  for (const [k, v] of Object.entries(after)) {
    const old = before[k as keyof UserRow];
    if (v !== undefined && old !== v) changes[k] = { old, new: v };
  }
  return changes;
}

/** Edits name, profile fields and the developer flag. */
export async function updateUser(deps: CoreDeps, principal: Principal, ref: unknown, input: unknown) {
  const id = parseInput(refSchema, ref);
  return applyPatch(deps, principal, id, parseInput(updateUserSchema, input));
}

/** Changes a user's role: never your own, never above your own, never the last admin. */
export async function changeRole(deps: CoreDeps, principal: Principal, ref: unknown, input: unknown) {
  const id = parseInput(refSchema, ref);
  return applyPatch(deps, principal, id, parseInput(changeRoleSchema, input));
}

/**
 * PATCH of the API: profile fields and/or the role in one transaction, with every guard of
 * both an edit and a role change (a manager sending `role` is FORBIDDEN, SECURITY 1).
 */
export async function patchUser(deps: CoreDeps, principal: Principal, ref: unknown, input: unknown) {
  const id = parseInput(refSchema, ref);
  return applyPatch(deps, principal, id, parseInput(patchUserSchema, input));
}

async function applyPatch(
  deps: CoreDeps,
  principal: Principal,
  id: string,
  input: { role?: Role; expectedVersion?: number } & Partial<Record<string, unknown>>,
) {
  const { role, expectedVersion, ...patch } = input;
  const edits = Object.keys(patch).length > 0;
  const action = edits || role === undefined ? "user.updated" : "user.role_changed";
  return mutate(deps, principal, action, { id, input: id }, async (tx, actor, now) => {
    if (edits) authorize(actor, "users:edit");
    if (role !== undefined) authorize(actor, "users:change_role");
    const target = await findUser(tx, actor, id, true);
    if (edits && !canEditTarget(actor.role, target.role)) {
      throw forbidden(`${cap(actor.role)}s can edit members only`);
    }
    checkVersion(target, expectedVersion);
    if (role !== undefined) {
      if (!canGrant(actor.role, role)) throw forbidden(`You cannot grant the ${role} role`);
      const block = lifecycleBlock(
        actor,
        target,
        role === "admin" ? null : await adminsLeftWithout(tx, actor, target),
      );
      if (block) throw block;
    }
    let row = target;
    const changes = diff(target, patch as Partial<UserRow>);
    if (Object.keys(changes).length > 0) {
      [row] = (await tx
        .update(users)
        .set({ ...patch, ...touch(now) })
        .where(eq(users.id, target.id))
        .returning()) as [UserRow];
      await audit(tx, actor, { action: "user.updated", target: row, changes }, now);
    }
    if (role !== undefined && target.role !== role) {
      [row] = (await tx
        .update(users)
        .set({ role, ...touchAndEndSessions(now) })
        .where(eq(users.id, target.id))
        .returning()) as [UserRow];
      await revokeKeysAbove(tx, target.id, role, now);
      await audit(
        tx,
        actor,
        { action: "user.role_changed", target: row, changes: { role: { old: target.role, new: role } } },
        now,
      );
    }
    return dto(tx, row, now);
  });
}

/** A lowered role keeps no API key whose scopes the new role could not grant. */
export async function revokeKeysAbove(tx: Db, userId: string | string[], role: Role, now: Date) {
  const allowed = ROLE_SCOPES[role];
  const ids = Array.isArray(userId) ? userId : [userId];
  if (ids.length === 0) return;
  await tx
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(
      and(
        sql`${apiKeys.userId} = any(${sql.param(ids)}::uuid[])`,
        isNull(apiKeys.revokedAt),
        sql`not (${apiKeys.scopes} <@ ${sql.param([...allowed])}::text[])`,
      ),
    );
}

/** Ends sessions, revokes API keys and pending invitations of the users named. */
export async function cutAccess(tx: Db, userIds: string[], now: Date) {
  if (userIds.length === 0) return;
  const ids = sql.param(userIds);
  await tx
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(sql`${apiKeys.userId} = any(${ids}::uuid[])`, isNull(apiKeys.revokedAt)));
  await tx
    .update(invitations)
    .set({ revokedAt: now })
    .where(
      and(
        sql`${invitations.userId} = any(${ids}::uuid[])`,
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
      ),
    );
}

export async function deactivateUser(deps: CoreDeps, principal: Principal, ref: unknown) {
  const id = parseInput(refSchema, ref);
  return mutate(deps, principal, "user.deactivated", { id, input: id }, async (tx, actor, now) => {
    authorize(actor, "users:deactivate");
    const target = await findUser(tx, actor, id, true);
    const block = lifecycleBlock(actor, target, await adminsLeftWithout(tx, actor, target));
    if (block) throw block;
    if (target.status === "deactivated") return dto(tx, target, now);
    const [row] = await tx
      .update(users)
      .set({ status: "deactivated", deactivatedAt: now, ...touchAndEndSessions(now) })
      .where(eq(users.id, target.id))
      .returning();
    await cutAccess(tx, [target.id], now);
    await audit(
      tx,
      actor,
      { action: "user.deactivated", target: row!, changes: { status: { old: target.status, new: "deactivated" } } },
      now,
    );
    return dto(tx, row!, now);
  });
}

export async function reactivateUser(deps: CoreDeps, principal: Principal, ref: unknown) {
  const id = parseInput(refSchema, ref);
  return mutate(deps, principal, "user.reactivated", { id, input: id }, async (tx, actor, now) => {
    authorize(actor, "users:reactivate");
    const target = await findUser(tx, actor, id, true);
    const block = lifecycleBlock(actor, target, null);
    if (block) throw block;
    if (target.status !== "deactivated") return dto(tx, target, now);
    // Someone who never set a password goes back to "invited" and needs a new invitation.
    const status = target.passwordHash ? "active" : "invited";
    const [row] = await tx
      .update(users)
      .set({ status, deactivatedAt: null, ...touch(now) })
      .where(eq(users.id, target.id))
      .returning();
    await audit(
      tx,
      actor,
      { action: "user.reactivated", target: row!, changes: { status: { old: "deactivated", new: status } } },
      now,
    );
    return dto(tx, row!, now);
  });
}

export async function deleteUser(deps: CoreDeps, principal: Principal, ref: unknown) {
  const id = parseInput(refSchema, ref);
  return mutate(deps, principal, "user.deleted", { id, input: id }, async (tx, actor, now) => {
    authorize(actor, "users:delete");
    const target = await findUser(tx, actor, id, true);
    const block = lifecycleBlock(actor, target, await adminsLeftWithout(tx, actor, target));
    if (block) throw block;
    await tx.delete(users).where(eq(users.id, target.id));
    await audit(
      tx,
      actor,
      {
        action: "user.deleted",
        target,
        changes: { role: { old: target.role, new: null }, status: { old: target.status, new: null } },
      },
      now,
    );
    return { id: target.id, email: target.email, deleted: true as const };
  });
}

/** Ends every session of a user at once (their next request is refused). */
export async function endSessions(deps: CoreDeps, principal: Principal, ref: unknown) {
  const id = parseInput(refSchema, ref);
  return mutate(deps, principal, "user.sessions_revoked", { id, input: id }, async (tx, actor, now) => {
    authorize(actor, "users:end_sessions");
    const target = await findUser(tx, actor, id, true);
    const [row] = await tx
      .update(users)
      .set(touchAndEndSessions(now))
      .where(eq(users.id, target.id))
      .returning();
    await audit(tx, actor, { action: "user.sessions_revoked", target: row! }, now);
    return dto(tx, row!, now);
  });
}

/** The full password policy (shape + common list + not the email): one message per problem. */
export function checkPasswordPolicy(password: string, email: string, field = "password") {
  const problem = commonPasswordProblem(password, email);
  if (problem) throw new RosterError("VALIDATION", problem, { [field]: [problem] });
}

/** An admin sets a user's password (with confirmation); the user's sessions end. */
export async function setPassword(deps: CoreDeps, principal: Principal, ref: unknown, input: unknown) {
  const id = parseInput(refSchema, ref);
  const { password, temporary } = parseInput(setPasswordSchema, input);
  return mutate(deps, principal, "user.password_set", { id, input: id }, async (tx, actor, now) => {
    authorize(actor, "users:reset_password");
    const target = await findUser(tx, actor, id, true);
    if (target.status === "deactivated") {
      throw new RosterError("CONFLICT", "Reactivate this user before setting a password");
    }
    checkPasswordPolicy(password, target.email);
    const passwordHash = await hashPassword(password);
    const status = target.status === "invited" ? "active" : target.status;
    const [row] = await tx
      .update(users)
      .set({ passwordHash, status, mustChangePassword: temporary ?? false, ...touchAndEndSessions(now) })
      .where(eq(users.id, target.id))
      .returning();
    if (target.status === "invited") await revokePendingTokens(tx, target.id, "invitation", now);
    await audit(
      tx,
      actor,
      { action: "user.password_set", target: row!, changes: { mustChangePassword: { old: target.mustChangePassword, new: temporary ?? false } } },
      now,
    );
    return dto(tx, row!, now);
  });
}

/**
 * Resets a user's password: their sessions end and the old password stops working; they get
 * either an emailed single-use link or a temporary password (returned once) to change at sign-in.
 */
export async function resetPassword(deps: CoreDeps, principal: Principal, ref: unknown, input: unknown) {
  const id = parseInput(refSchema, ref);
  const { mode } = parseInput(resetPasswordSchema, input ?? {});
  return mutate(deps, principal, "user.password_reset", { id, input: id }, async (tx, actor, now) => {
    authorize(actor, "users:reset_password");
    const target = await findUser(tx, actor, id, true);
    if (target.status !== "active") {
      throw new RosterError(
        "CONFLICT",
        target.status === "invited"
          ? "This user has not accepted their invitation; resend it instead"
          : "Reactivate this user before resetting their password",
      );
    }
    let temporaryPassword: string | undefined;
    let link: string | undefined;
    if (mode === "temporary_password") {
      temporaryPassword = generateTemporaryPassword();
      await tx
        .update(users)
        .set({ passwordHash: await hashPassword(temporaryPassword), mustChangePassword: true, ...touchAndEndSessions(now) })
        .where(eq(users.id, target.id));
    } else {
      await tx
        .update(users)
        .set({ passwordHash: null, mustChangePassword: false, ...touchAndEndSessions(now) })
        .where(eq(users.id, target.id));
      link = await issueToken(tx, deps, actor, target, "password_reset", { send: true }, now);
    }
    await audit(tx, actor, { action: "user.password_reset", target, changes: { mode } }, now);
    const [row] = await tx.select().from(users).where(eq(users.id, target.id));
    // The link is also returned so that an admin can hand it over where no mail is configured.
    return { user: await dto(tx, row!, now), temporaryPassword, link };
  });
}

/** A signed-in person changes their own password; it requires the current one. */
export async function changeOwnPassword(deps: CoreDeps, principal: Principal, input: unknown) {
  const { currentPassword, password } = parseInput(changeOwnPasswordSchema, input);
  return mutate(deps, principal, "user.password_changed", { id: principal.userId }, async (tx, actor, now) => {
    if (actor.kind !== "session") throw forbidden("Only the person themselves can change their password");
    const [me] = await tx.select().from(users).where(eq(users.id, actor.userId)).for("update");
    if (!me?.passwordHash || !(await verifyPassword(me.passwordHash, currentPassword))) {
      throw new RosterError("VALIDATION", "The current password is not right", {
        currentPassword: ["The current password is not right"],
      });
    }
    if (password === currentPassword) {
      throw new RosterError("VALIDATION", "Choose a password different from the current one", {
        password: ["Choose a password different from the current one"],
      });
    }
    checkPasswordPolicy(password, me.email);
    const [row] = await tx
      .update(users)
      .set({ passwordHash: await hashPassword(password), mustChangePassword: false, ...touchAndEndSessions(now) })
      .where(eq(users.id, me.id))
      .returning();
    await audit(tx, actor, { action: "user.password_changed", target: row! }, now);
    return dto(tx, row!, now);
  }, { temporaryPasswordAllowed: true });
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
