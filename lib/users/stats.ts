import "server-only";
import { sql } from "drizzle-orm";
import { queryRows } from "../db/client";
import { users } from "../db/schema";
import { ROLES, STATUSES, type Role, type Status } from "../validation/enums";
import { read, type CoreDeps } from "./context";
import { plannerEstimate } from "./list";
import type { Principal } from "./types";

/** Above this many users, the overview counts are the planner's estimates (labelled). */
export const STATS_EXACT_LIMIT = 50_000;

export interface UserStats {
  total: number;
  byStatus: Record<Status, number>;
  byRole: Record<Role, number>;
  /** False when the figures are estimates (a very large organization). */
  exact: boolean;
}

/** Users of the caller's org by status and by role: exact, or estimated past STATS_EXACT_LIMIT. */
export async function userStats(deps: CoreDeps, principal: Principal): Promise<UserStats> {
  return read(deps, principal, "users:read", async (db, actor) => {
    const org = sql`${users.orgId} = ${actor.orgId}`;
    const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
    const byRole = Object.fromEntries(ROLES.map((r) => [r, 0])) as Record<Role, number>;
    const estimatedTotal = await plannerEstimate(db, org);
    if (estimatedTotal > STATS_EXACT_LIMIT) {
      for (const s of STATUSES) byStatus[s] = await plannerEstimate(db, sql`${org} and ${users.status} = ${s}`);
      for (const r of ROLES) byRole[r] = await plannerEstimate(db, sql`${org} and ${users.role} = ${r}`);
      return { total: estimatedTotal, byStatus, byRole, exact: false };
    }
    const rows = await queryRows<{ status: Status; role: Role; n: number }>(
      db,
      sql`select ${users.status} as status, ${users.role} as role, count(*)::int as n from ${users} where ${org} group by 1, 2`,
    );
    let total = 0;
    for (const r of rows) {
      byStatus[r.status] += r.n;
      byRole[r.role] += r.n;
      total += r.n;
    }
    return { total, byStatus, byRole, exact: true };
  });
}
