import "server-only";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { organizations, users, type UserRow } from "../db/schema";
import { decoyPasswordHash, verifyPassword } from "../security/passwords";
import type { Role } from "../validation/enums";
import { emailKey } from "../validation/users";
import { audit, type CoreDeps } from "./context";
import type { Principal } from "./types";

export const SIGN_IN_FAILED = "The email or password is not right.";

const credentialsSchema = z.object({
  email: z.string().max(320),
  password: z.string().max(1024),
});

export interface SignedIn {
  userId: string;
  orgId: string;
  email: string;
  name: string;
  role: Role;
  sessionVersion: number;
  mustChangePassword: boolean;
}

function signedIn(user: UserRow): SignedIn {
  return {
    userId: user.id,
    orgId: user.orgId,
    email: user.email,
    name: user.name,
    role: user.role,
    sessionVersion: user.sessionVersion,
    mustChangePassword: user.mustChangePassword,
  };
}

/**
 * Checks credentials. An unknown email, a wrong password and an account that may not sign in
 * (invited, deactivated, no password) all get the same answer after the same argon2 work.
 */
export async function authenticate(
  deps: CoreDeps,
  input: unknown,
  meta: { ip?: string | null; userAgent?: string | null } = {},
): Promise<SignedIn | null> {
  const parsed = credentialsSchema.safeParse(input);
  if (!parsed.success) {
    await verifyPassword(await decoyPasswordHash(), "");
    return null;
  }
  const key = emailKey(parsed.data.email);
  const [user] = await deps.db.select().from(users).where(eq(users.emailKey, key));
  const usable = user && user.status === "active" && user.passwordHash;
  const ok = await verifyPassword(
    usable ? user.passwordHash! : await decoyPasswordHash(),
    parsed.data.password,
  );
  const now = deps.now();
  if (!user) return null;
  const self: Principal = {
    kind: "session",
    userId: user.id,
    orgId: user.orgId,
    email: user.email,
    role: user.role,
    ...meta,
  };
  if (!usable || !ok) {
    await audit(
      deps.db,
      self,
      {
        action: "auth.sign_in",
        outcome: "refused",
        target: user,
        changes: { reason: !usable ? `account ${user.status}` : "wrong password" },
      },
      now,
    );
    return null;
  }
  await deps.db.transaction(async (tx) => {
    await tx.update(users).set({ lastLoginAt: now }).where(eq(users.id, user.id));
    await audit(tx, self, { action: "auth.sign_in", target: user }, now);
  });
  return signedIn(user);
}

/**
 * The signed-in person behind a session's claims, as the database knows them now; null when
 * the session has ended (deactivated, deleted, or its session version bumped).
 */
export async function sessionUser(
  deps: CoreDeps,
  claims: { userId: string; orgId: string; sessionVersion: number },
) {
  const [row] = await deps.db
    .select({
      userId: users.id,
      orgId: users.orgId,
      email: users.email,
      name: users.name,
      role: users.role,
      status: users.status,
      sessionVersion: users.sessionVersion,
      mustChangePassword: users.mustChangePassword,
      orgName: organizations.name,
    })
    .from(users)
    .innerJoin(organizations, eq(organizations.id, users.orgId))
    .where(and(eq(users.id, claims.userId), eq(users.orgId, claims.orgId)));
  if (!row || row.status !== "active" || row.sessionVersion !== claims.sessionVersion) return null;
  return row;
}

/**
 * Signs in someone an identity provider (OIDC) vouched for: only an existing, active account
 * with that exact (verified) email gets in; nobody is created this way.
 */
export async function authenticateExternal(
  deps: CoreDeps,
  input: { email: unknown; emailVerified?: unknown; provider: string },
  meta: { ip?: string | null; userAgent?: string | null } = {},
): Promise<SignedIn | null> {
  if (typeof input.email !== "string" || input.email.length > 320 || input.emailVerified === false) return null;
  const [user] = await deps.db.select().from(users).where(eq(users.emailKey, emailKey(input.email)));
  if (!user) return null;
  const now = deps.now();
  const self: Principal = { kind: "session", userId: user.id, orgId: user.orgId, email: user.email, role: user.role, ...meta };
  if (user.status !== "active") {
    await audit(deps.db, self, { action: "auth.sign_in", outcome: "refused", target: user, changes: { provider: input.provider, reason: `account ${user.status}` } }, now);
    return null;
  }
  await deps.db.transaction(async (tx) => {
    await tx.update(users).set({ lastLoginAt: now }).where(eq(users.id, user.id));
    await audit(tx, self, { action: "auth.sign_in", target: user, changes: { provider: input.provider } }, now);
  });
  // The identity provider vouched for them: no password to change here.
  return { ...signedIn(user), mustChangePassword: false };
}
