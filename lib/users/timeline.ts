import "server-only";
import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { auditEvents } from "../db/schema";
import { read, type CoreDeps } from "./context";
import { parseInput } from "./errors";
import { findUser } from "./list";
import type { Principal } from "./types";

export interface AuditEventDTO {
  id: string;
  action: string;
  outcome: "success" | "refused";
  actorId: string | null;
  actorEmail: string | null;
  targetId: string | null;
  targetEmail: string | null;
  changes: Record<string, unknown> | null;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
}

const inputSchema = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });

/** What was done to a user, by whom and when, newest first (the drawer's timeline). */
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
    const rows = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, actor.orgId), eq(auditEvents.targetId, target.id)))
      .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
      .limit(limit);
    return rows.map((e) => ({
      id: e.id,
      action: e.action,
      outcome: e.outcome,
      actorId: e.actorId,
      actorEmail: e.actorEmail,
      targetId: e.targetId,
      targetEmail: e.targetEmail,
      changes: e.changes ?? null,
      ip: e.ip,
      userAgent: e.userAgent,
      createdAt: e.createdAt.toISOString(),
    }));
  });
}
