import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client";
import { auditEvents, emailOutbox, invitations, organizations, users, type UserRow } from "../db/schema";
import { generateTemporaryPassword, hashPassword } from "../security/passwords";
import { randomToken, sha256 } from "../security/tokens";
import type { InviteMode, ProfileField, Role } from "../validation/enums";
import {
  createUserSchema,
  emailKey,
  emailSchema,
  inviteUsersSchema,
  redeemTokenSchema,
} from "../validation/users";
import { forbidden, parseInput, RosterError } from "./errors";
import {
  audit,
  auditRow,
  authorize,
  latestInvitations,
  mutate,
  toUserDTO,
  touch,
  type Actor,
  type CoreDeps,
} from "./context";
import { checkPasswordPolicy } from "./lifecycle";
import { findUser } from "./list";
import { canGrant, canManageInvitationOf } from "./policy";
import { idempotent, type IdempotencyOptions } from "./idempotency";
import { findLiveToken, issueToken, revokePendingTokens, tokenLink } from "./tokens";
import type { BulkItemResult, CreateUserResult, Principal, UserDTO } from "./types";

interface NewAccount {
  input: string;
  email: string;
  name?: string;
  isDeveloper?: boolean;
  profile?: Partial<Record<ProfileField, string | null>>;
}

interface AccountOptions {
  role: Role;
  mode: InviteMode | "password";
  password?: string;
  mustChangePassword?: boolean;
}

type Created = { account: NewAccount; row: UserRow; link?: string; temporaryPassword?: string };

/**
 * Creates accounts in a handful of statements whatever their number: users, invitations,
 * outbox messages and audit events. Emails already taken (even in a race) come back as taken.
 */
async function createAccounts(
  tx: Db,
  deps: CoreDeps,
  actor: Actor,
  accounts: NewAccount[],
  opts: AccountOptions,
  now: Date,
): Promise<{ created: Created[]; taken: NewAccount[] }> {
  if (accounts.length === 0) return { created: [], taken: [] };
  const temporary = new Map<string, string>();
  let sharedHash: string | null = null;
  if (opts.mode === "password") sharedHash = await hashPassword(opts.password!);
  if (opts.mode === "temporary_password") {
    for (const a of accounts) temporary.set(emailKey(a.email), generateTemporaryPassword());
  }
  const hashes = new Map<string, string>();
  for (const [key, pw] of temporary) hashes.set(key, await hashPassword(pw));

  const active = opts.mode === "password" || opts.mode === "temporary_password";
  const rows = await tx
    .insert(users)
    .values(
      accounts.map((a) => ({
        orgId: actor.orgId,
        email: a.email,
        emailKey: emailKey(a.email),
        name: a.name ?? "",
        role: opts.role,
        status: active ? ("active" as const) : ("invited" as const),
        isDeveloper: a.isDeveloper ?? false,
        passwordHash: sharedHash ?? hashes.get(emailKey(a.email)) ?? null,
        mustChangePassword: opts.mode === "temporary_password" || (opts.mustChangePassword ?? false),
        invitedBy: actor.userId,
        createdAt: now,
        updatedAt: now,
        ...a.profile,
      })),
    )
    .onConflictDoNothing({ target: users.emailKey })
    .returning();
  const byKey = new Map(rows.map((r) => [r.emailKey, r]));
  const created: Created[] = [];
  const taken: NewAccount[] = [];
  for (const a of accounts) {
    const row = byKey.get(emailKey(a.email));
    if (row) created.push({ account: a, row, temporaryPassword: temporary.get(row.emailKey) });
    else taken.push(a);
  }

  if (!active && created.length > 0) {
    const expiresAt = new Date(now.getTime() + deps.config.invitationTtlHours * 3_600_000);
    const send = opts.mode === "email_link";
    const tokens = created.map(() => randomToken());
    await tx.insert(invitations).values(
      created.map((c, i) => ({
        userId: c.row.id,
        kind: "invitation" as const,
        tokenHash: sha256(tokens[i]!),
        expiresAt,
        createdBy: actor.userId,
        sentAt: send ? now : null,
        createdAt: now,
      })),
    );
    created.forEach((c, i) => (c.link = tokenLink(deps, "invitation", tokens[i]!)));
    if (send) {
      const [org] = await tx
        .select({ name: organizations.name })
        .from(organizations)
        .where(eq(organizations.id, actor.orgId));
      await tx.insert(emailOutbox).values(
        created.map((c) => ({
          orgId: actor.orgId,
          to: c.row.email,
          template: "invitation",
          payload: {
            link: c.link,
            orgName: org?.name ?? "",
            inviterName: actor.name || actor.email,
            inviterEmail: actor.email,
            recipientName: c.row.name,
            role: c.row.role,
            expiresAt: expiresAt.toISOString(),
          },
          createdAt: now,
          nextAttemptAt: now,
        })),
      );
    }
  }
  if (created.length > 0) {
    await tx.insert(auditEvents).values(
      created.map((c) =>
        auditRow(
          actor,
          {
            action: active ? "user.created" : "user.invited",
            target: c.row,
            changes: {
              role: { old: null, new: c.row.role },
              status: { old: null, new: c.row.status },
              mode: opts.mode,
            },
          },
          now,
        ),
      ),
    );
  }
  return { created, taken };
}

const TAKEN = "This email already has an account";

/** Creates one user: with a password (active now), a temporary password, or an invitation. */
export async function createUser(
  deps: CoreDeps,
  principal: Principal,
  input: unknown,
  opts: IdempotencyOptions = {},
): Promise<CreateUserResult> {
  const v = parseInput(createUserSchema, input);
  const mode: AccountOptions["mode"] = v.password !== undefined ? "password" : (v.inviteMode ?? "email_link");
  return mutate(deps, principal, "user.created", { email: v.email, input: v.email }, async (tx, actor, now) => {
    authorize(actor, "users:create");
    if (!canGrant(actor.role, v.role)) throw forbidden(`You cannot grant the ${v.role} role`);
    return idempotent(tx, actor, opts, "user.create", v, now, () => createOne(tx, deps, actor, v, mode, now), withoutSecrets);
  });
}

/** What an Idempotency-Key record keeps of a create: never a temporary password or a link. */
const withoutSecrets = (r: CreateUserResult): CreateUserResult => ({ user: r.user });

async function createOne(
  tx: Db,
  deps: CoreDeps,
  actor: Actor,
  v: z.output<typeof createUserSchema>,
  mode: AccountOptions["mode"],
  now: Date,
): Promise<CreateUserResult> {
  if (v.password !== undefined) checkPasswordPolicy(v.password, v.email);
  const { email, name, isDeveloper, role, password, mustChangePassword } = v;
  const profile = Object.fromEntries(
    Object.entries(v).filter(([k]) => PROFILE_KEYS.has(k)),
  ) as NewAccount["profile"];
  const { created } = await createAccounts(
    tx,
    deps,
    actor,
    [{ input: email, email, name, isDeveloper, profile }],
    { role, mode, password, mustChangePassword },
    now,
  );
  const c = created[0];
  if (!c) throw new RosterError("CONFLICT", TAKEN, { email: [TAKEN] });
  const inv = await latestInvitations(tx, [c.row.id]);
  return {
    user: toUserDTO(c.row, inv.get(c.row.id), now),
    ...(mode === "none" ? { invitationLink: c.link } : {}),
    ...(c.temporaryPassword ? { temporaryPassword: c.temporaryPassword } : {}),
  };
}

const PROFILE_KEYS = new Set<string>([
  "login", "firstName", "lastName", "company", "phone", "address", "postalCode", "city", "state", "country",
]);

/**
 * Invites many people at once. One outcome per email in input order: invited, or skipped /
 * failed with the reason (invalid, duplicate in the paste, already has an account).
 */
export async function inviteUsers(
  deps: CoreDeps,
  principal: Principal,
  input: unknown,
  opts: IdempotencyOptions = {},
): Promise<BulkItemResult[]> {
  const v = parseInput(inviteUsersSchema, input);
  return mutate(deps, principal, "user.invited", { input: v.emails.join(",").slice(0, 320) }, async (tx, actor, now) => {
    authorize(actor, "users:create");
    if (!canGrant(actor.role, v.role)) throw forbidden(`You cannot grant the ${v.role} role`);
    return idempotent(tx, actor, opts, "user.invite", v, now, () => inviteMany(tx, deps, actor, v, now), withoutLinks,
    );
  });
}

/** What an Idempotency-Key record keeps of an invite: the outcomes, never a link or password. */
const withoutLinks = (results: BulkItemResult[]): BulkItemResult[] =>
  results.map((r) => {
    const kept = { ...r };
    delete kept.invitationLink;
    delete kept.temporaryPassword;
    return kept;
  });

async function inviteMany(
  tx: Db,
  deps: CoreDeps,
  actor: Actor,
  v: z.output<typeof inviteUsersSchema>,
  now: Date,
): Promise<BulkItemResult[]> {
  const results: BulkItemResult[] = [];
  const seen = new Set<string>();
  const fresh: NewAccount[] = [];
  for (const raw of v.emails) {
    const parsed = emailSchema.safeParse(raw);
    if (!parsed.success) {
      results.push({ input: raw, outcome: "failed", code: "VALIDATION", message: parsed.error.issues[0]?.message });
      continue;
    }
    const key = emailKey(parsed.data);
    if (seen.has(key)) {
      results.push({ input: raw, email: parsed.data, outcome: "skipped", code: "DUPLICATE", message: "Already in this list" });
      continue;
    }
    seen.add(key);
    results.push({ input: raw, email: parsed.data, outcome: "invited" });
    fresh.push({ input: raw, email: parsed.data, name: v.name });
  }
  const { created } = await createAccounts(tx, deps, actor, fresh, { role: v.role, mode: v.inviteMode }, now);
  const byKey = new Map(created.map((c) => [c.row.emailKey, c]));
  const refusals: ReturnType<typeof auditRow>[] = [];
  for (const r of results) {
    if (r.outcome !== "invited") continue;
    const c = byKey.get(emailKey(r.email!));
    if (!c) {
      Object.assign(r, { outcome: "skipped", code: "CONFLICT", message: TAKEN });
      refusals.push(
        auditRow(actor, { action: "user.invited", outcome: "refused", target: { id: null, email: r.email! }, changes: { code: "CONFLICT", message: TAKEN } }, now),
      );
      continue;
    }
    r.userId = c.row.id;
    r.email = c.row.email;
    if (v.inviteMode === "none") r.invitationLink = c.link;
    if (c.temporaryPassword) r.temporaryPassword = c.temporaryPassword;
  }
  if (refusals.length) await tx.insert(auditEvents).values(refusals);
  return results;
}

const refSchema = z.string().trim().min(1, "Name a user").max(320);

async function invitationTarget(tx: Db, actor: Actor, ref: string) {
  authorize(actor, "invitations:manage");
  const target = await findUser(tx, actor, ref, true);
  if (!canManageInvitationOf(actor.role, target.role)) {
    throw forbidden(`You cannot manage invitations of ${target.role}s`);
  }
  if (target.status !== "invited") {
    throw new RosterError(
      "CONFLICT",
      target.status === "active" ? "This user has already joined" : "This user is deactivated; reactivate them first",
    );
  }
  return target;
}

/**
 * Sends a fresh invitation (works after expiry too); the previous link stops working.
 * With `send: false` it only returns the new link, for copying ("copy invitation link").
 */
export async function resendInvitation(
  deps: CoreDeps,
  principal: Principal,
  ref: unknown,
  opts: { send?: boolean } = {},
): Promise<{ user: UserDTO; invitationLink?: string }> {
  const id = parseInput(refSchema, ref);
  const send = opts.send ?? true;
  const action = send ? "invitation.resent" : "invitation.link_copied";
  return mutate(deps, principal, action, { id, input: id }, async (tx, actor, now) => {
    const target = await invitationTarget(tx, actor, id);
    const link = await issueToken(tx, deps, actor, target, "invitation", { send }, now);
    const [row] = await tx.update(users).set(touch(now)).where(eq(users.id, target.id)).returning();
    await audit(tx, actor, { action, target }, now);
    const inv = await latestInvitations(tx, [target.id]);
    return { user: toUserDTO(row!, inv.get(target.id), now), ...(send ? {} : { invitationLink: link }) };
  });
}

export async function revokeInvitation(deps: CoreDeps, principal: Principal, ref: unknown): Promise<UserDTO> {
  const id = parseInput(refSchema, ref);
  return mutate(deps, principal, "invitation.revoked", { id, input: id }, async (tx, actor, now) => {
    const target = await invitationTarget(tx, actor, id);
    await revokePendingTokens(tx, target.id, "invitation", now);
    const [row] = await tx.update(users).set(touch(now)).where(eq(users.id, target.id)).returning();
    await audit(tx, actor, { action: "invitation.revoked", target }, now);
    const inv = await latestInvitations(tx, [target.id]);
    return toUserDTO(row!, inv.get(target.id), now);
  });
}

export const INVALID_LINK = "This link is invalid or has expired. Ask your administrator for a new one.";

/** What the invitation page shows before anything is redeemed (a GET never consumes it). */
export async function previewToken(deps: CoreDeps, token: unknown, kind: "invitation" | "password_reset") {
  const t = z.string().min(1).max(200).safeParse(token);
  if (!t.success) throw new RosterError("NOT_FOUND", INVALID_LINK);
  const now = deps.now();
  const found = await findLiveToken(deps.db, t.data, kind, now);
  if (!found) throw new RosterError("NOT_FOUND", INVALID_LINK);
  const [org] = await deps.db.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, found.user.orgId));
  const [inviter] = found.invitation.createdBy
    ? await deps.db.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, found.invitation.createdBy))
    : [];
  return {
    email: found.user.email,
    name: found.user.name,
    role: found.user.role,
    orgName: org?.name ?? "",
    inviter: inviter ? inviter.name || inviter.email : null,
    expiresAt: found.invitation.expiresAt.toISOString(),
  };
}

/**
 * Redeems an invitation or reset link (the form's POST): sets the password, activates an
 * invitee, and marks the link used. Every kind of bad link gets the same refusal.
 */
export async function redeemToken(
  deps: CoreDeps,
  input: unknown,
  kind: "invitation" | "password_reset",
  meta: { ip?: string | null; userAgent?: string | null } = {},
): Promise<UserDTO> {
  const v = parseInput(redeemTokenSchema, input);
  const now = deps.now();
  return deps.db.transaction(async (tx) => {
    const found = await findLiveToken(tx, v.token, kind, now);
    if (!found) throw new RosterError("NOT_FOUND", INVALID_LINK);
    const { user, invitation } = found;
    checkPasswordPolicy(v.password, user.email);
    const passwordHash = await hashPassword(v.password);
    await tx.update(invitations).set({ acceptedAt: now }).where(eq(invitations.id, invitation.id));
    const [row] = await tx
      .update(users)
      .set({
        passwordHash,
        mustChangePassword: false,
        status: "active",
        ...(kind === "invitation" && v.name ? { name: v.name } : {}),
        ...touch(now),
        sessionVersion: sql`${users.sessionVersion} + 1`,
      })
      .where(and(eq(users.id, user.id), isNull(users.deactivatedAt)))
      .returning();
    const self = { kind: "session" as const, userId: user.id, orgId: user.orgId, email: user.email, role: user.role, ...meta };
    await audit(
      tx,
      self,
      {
        action: kind === "invitation" ? "invitation.accepted" : "user.password_reset_completed",
        target: row!,
        changes: kind === "invitation" ? { status: { old: "invited", new: "active" } } : null,
      },
      now,
    );
    return toUserDTO(row!, undefined, now);
  });
}

