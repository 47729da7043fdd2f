import "server-only";
import { z } from "zod";
import { latestAuditEvents, type AuditEventDTO } from "./audit-log";
import { read, type CoreDeps } from "./context";
import { parseInput } from "./errors";
import { findUser } from "./list";
import type { Principal } from "./types";

export type { AuditEventDTO } from "./audit-log";

const inputSchema = z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(20) });

/**
 * What was done to a user, by whom and when, newest first (the drawer's timeline): the audit
 * log's own query, filtered on the user's id.
 */
export async function userTimeline(
  deps: CoreDeps,
  principal: Principal,
  ref: unknown,
  input: unknown = {},
): Promise<AuditEventDTO[]> {
  const id = parseInput(z.string().trim().min(1).max(320), ref);
  const { limit } = parseInput(inputSchema, input);
  return read(deps, principal, "audit:read", async (db, actor) => {
    const target = await findUser(db, actor, id);
    return latestAuditEvents(db, actor.orgId, { targetId: target.id }, limit);
  });
}
