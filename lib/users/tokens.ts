import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/client";
import { emailOutbox, invitations, organizations, users, type UserRow } from "../db/schema";
import { randomToken, sha256 } from "../security/tokens";
import type { CoreDeps } from "./context";

export type TokenKind = "invitation" | "password_reset";

/** Revokes every unused token of a kind for a user (a resend supersedes the old link). */
export async function revokePendingTokens(tx: Db, userId: string, kind: TokenKind, now: Date) {
  await tx
    .update(invitations)
    .set({ revokedAt: now })
    .where(
      and(
        eq(invitations.userId, userId),
        eq(invitations.kind, kind),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
      ),
    );
}

export function tokenLink(deps: CoreDeps, kind: TokenKind, token: string): string {
  const base = deps.config.appUrl.replace(/\/+$/, "");
  return `${base}/${kind === "invitation" ? "invite" : "reset-password"}/${token}`;
}

/**
 * Issues a fresh single-use link for a user (superseding older ones) and, when `send`, queues
 * the email in the same transaction (the outbox): a failure anywhere leaves no trace at all.
 */
export async function issueToken(
  tx: Db,
  deps: CoreDeps,
  actor: { userId: string; orgId: string; name: string; email: string },
  target: Pick<UserRow, "id" | "email" | "name" | "role">,
  kind: TokenKind,
  { send }: { send: boolean },
  now: Date,
): Promise<string> {
  await revokePendingTokens(tx, target.id, kind, now);
  const token = randomToken();
  const hours =
    kind === "invitation" ? deps.config.invitationTtlHours : deps.config.passwordResetTtlHours;
  const expiresAt = new Date(now.getTime() + hours * 3_600_000);
  await tx.insert(invitations).values({
    userId: target.id,
    kind,
    tokenHash: sha256(token),
    expiresAt,
    createdBy: actor.userId,
    sentAt: send ? now : null,
    createdAt: now,
  });
  const link = tokenLink(deps, kind, token);
  if (send) {
    const [org] = await tx
      .select({ name: organizations.name })
      .from(organizations)
      .where(eq(organizations.id, actor.orgId));
    await tx.insert(emailOutbox).values({
      orgId: actor.orgId,
      to: target.email,
      template: kind,
      payload: {
        link,
        orgName: org?.name ?? "",
        inviterName: actor.name || actor.email,
        inviterEmail: actor.email,
        recipientName: target.name,
        role: target.role,
        expiresAt: expiresAt.toISOString(),
      },
      createdAt: now,
      nextAttemptAt: now,
    });
  }
  return link;
}

/** Finds the user behind a live token of a kind, or null (for one generic refusal). */
export async function findLiveToken(tx: Db, token: string, kind: TokenKind, now: Date) {
  const [row] = await tx
    .select({ invitation: invitations, user: users })
    .from(invitations)
    .innerJoin(users, eq(users.id, invitations.userId))
    .where(and(eq(invitations.tokenHash, sha256(token)), eq(invitations.kind, kind)))
    .for("update");
  if (!row) return null;
  const { invitation, user } = row;
  if (invitation.acceptedAt || invitation.revokedAt || invitation.expiresAt <= now) return null;
  if (kind === "invitation" && user.status !== "invited") return null;
  if (kind === "password_reset" && user.status !== "active") return null;
  return row;
}
