import "server-only";
// The overview (`/`): the organization at a glance for every console role. Each figure carries
// the users-list query that shows exactly the people it counts, and is counted by the list's own
// WHERE clause, so following a figure's link lands on a list whose total is that figure (where
// the figure is an estimate, the list may know better: a first page that holds every match
// reports their exact number).
import { and, asc, eq, gt, isNull, lte } from "drizzle-orm";
import { invitations, users } from "../db/schema";
import type { Status } from "../validation/enums";
import type { InvitationFilter } from "../validation/users";
import { latestAuditEvents, type AuditEventDTO } from "./audit-log";
import { read, type CoreDeps } from "./context";
import { countUsers, listFilter } from "./list";
import { can } from "./policy";
import { userStats, type UserStats } from "./stats";
import type { Principal } from "./types";

/** "Not seen for" this many days. */
export const NOT_SEEN_DAYS = 90;
/** How many invitations, and admin events, the overview names. */
export const OVERVIEW_SAMPLE = 5;
export const OVERVIEW_ACTIVITY = 8;

/** A count and the users-list filter that shows the people counted. */
export interface OverviewFigure {
  total: number;
  /** False when the count is the planner's estimate (more than 1,000 matches). */
  totalExact: boolean;
  query: { status?: Status[]; invitation?: InvitationFilter; neverSignedIn?: boolean; notSeenSince?: string };
}

export interface OverviewInvitation {
  userId: string;
  email: string;
  name: string;
  role: string;
  sentAt: string | null;
  expiresAt: string;
}

export interface OverviewDTO {
  stats: UserStats;
  invitations: Record<"pending" | "expired", OverviewFigure & { oldest: OverviewInvitation[] }>;
  /** Active users who have never signed in. */
  neverSignedIn: OverviewFigure;
  /** Active users who signed in once, but not in the last NOT_SEEN_DAYS days. */
  notSeen: OverviewFigure & { days: number; since: string };
  /** The latest events by the org's admins; null when the caller may not read the audit log. */
  adminActivity: AuditEventDTO[] | null;
  generatedAt: string;
}

/** The overview's figures for the caller's org (users:read; admin activity needs audit:read). */
export async function overview(deps: CoreDeps, principal: Principal): Promise<OverviewDTO> {
  const stats = await userStats(deps, principal);
  return read(deps, principal, "users:read", async (db, actor) => {
    const now = deps.now();
    const since = new Date(now.getTime() - NOT_SEEN_DAYS * 86_400_000).toISOString().slice(0, 10);
    const active: Status[] = ["active"];
    const figure = async (query: OverviewFigure["query"]): Promise<OverviewFigure> => ({
      ...(await countUsers(db, listFilter(actor.orgId, query, now))),
      query,
    });
    const oldest = async (state: "pending" | "expired"): Promise<OverviewInvitation[]> => {
      const rows = await db
        .select({
          userId: users.id,
          email: users.email,
          name: users.name,
          role: users.role,
          sentAt: invitations.sentAt,
          expiresAt: invitations.expiresAt,
        })
        .from(invitations)
        .innerJoin(users, eq(users.id, invitations.userId))
        .where(
          and(
            eq(users.orgId, actor.orgId),
            eq(users.status, "invited"),
            eq(invitations.kind, "invitation"),
            isNull(invitations.acceptedAt),
            isNull(invitations.revokedAt),
            state === "expired" ? lte(invitations.expiresAt, now) : gt(invitations.expiresAt, now),
          ),
        )
        // Oldest first: with one validity period for all, the earliest expiry was sent first.
        .orderBy(asc(invitations.expiresAt), asc(users.id))
        .limit(OVERVIEW_SAMPLE);
      return rows.map((r) => ({
        ...r,
        sentAt: r.sentAt ? r.sentAt.toISOString() : null,
        expiresAt: r.expiresAt.toISOString(),
      }));
    };
    const [pending, pendingOldest, expired, expiredOldest, neverSignedIn, notSeen] = await Promise.all([
      figure({ invitation: "pending" }),
      oldest("pending"),
      figure({ invitation: "expired" }),
      oldest("expired"),
      figure({ status: active, neverSignedIn: true }),
      figure({ status: active, notSeenSince: since }),
    ]);
    const adminActivity = can(actor, "audit:read")
      ? await latestAuditEvents(db, actor.orgId, { actorRole: "admin" }, OVERVIEW_ACTIVITY)
      : null;
    return {
      stats,
      invitations: {
        pending: { ...pending, oldest: pendingOldest },
        expired: { ...expired, oldest: expiredOldest },
      },
      neverSignedIn,
      notSeen: { ...notSeen, days: NOT_SEEN_DAYS, since },
      adminActivity,
      generatedAt: now.toISOString(),
    };
  });
}
