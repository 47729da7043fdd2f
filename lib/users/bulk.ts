import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { auditEvents, users, type UserRow } from "../db/schema";
import type { Role } from "../validation/enums";
import { bulkChangeRoleSchema, bulkTargetsSchema, emailKey, emailSchema } from "../validation/users";
import { forbidden, parseInput, RosterError } from "./errors";
import {
  activeAdminIds,
  auditRow,
  authorize,
  isUuid,
  mutate,
  touchAndEndSessions,
  type Actor,
  type CoreDeps,
} from "./context";
import { cutAccess, lifecycleBlock, revokeKeysAbove } from "./lifecycle";
import { canGrant, type Permission } from "./policy";
import type { BulkItemResult, Principal } from "./types";

interface BulkOp {
  action: string;
  permission: Permission;
  outcome: "deleted" | "deactivated" | "updated";
  /** Extra whole-request checks (e.g. the role being granted). */
  authorize?: (actor: Actor) => void;
  /** A target already in the wanted state: reported as skipped, nothing written. */
  isNoop: (t: UserRow) => string | null;
  /** Whether doing it to this target leaves it no longer an active admin. */
  removesAdmin: (t: UserRow) => boolean;
  apply: (tx: Db, targets: UserRow[], now: Date) => Promise<void>;
  changes: (t: UserRow) => Record<string, unknown>;
}

interface Item {
  index: number;
  input: string;
  kind: "id" | "email";
}

/** What has been done so far in this request, across chunks (for duplicates). */
interface Seen {
  ids: Set<string>;
  keys: Set<string>;
}

const isAdmin = (t: UserRow) => t.role === "admin" && t.status === "active";

/**
 * Runs a bulk operation: every item gets one outcome, in input order. Items go through in
 * chunks, each one transaction with a handful of set-based statements; if a chunk fails, its
 * rows are retried one by one so one bad row never takes the others down with it.
 */
async function runBulk(
  deps: CoreDeps,
  principal: Principal,
  op: BulkOp,
  ids: string[],
  emails: string[],
  dryRun: boolean,
): Promise<BulkItemResult[]> {
  const items: Item[] = [
    ...ids.map((input) => ({ input, kind: "id" as const })),
    ...emails.map((input) => ({ input, kind: "email" as const })),
  ].map((it, index) => ({ ...it, index }));
  const results: BulkItemResult[] = items.map((it) => ({ input: it.input, outcome: "failed" }));
  const seen: Seen = { ids: new Set(), keys: new Set() };
  const size = Math.max(1, deps.config.bulkChunkSize);

  const runChunk = async (chunk: Item[]) => {
    const done = await mutate(deps, principal, op.action, { input: summary(chunk) }, (tx, actor, now) =>
      processChunk(tx, actor, now, op, chunk, seen, dryRun),
    );
    for (const [index, r] of done.results) results[index] = r;
    for (const id of done.seen.ids) seen.ids.add(id);
    for (const k of done.seen.keys) seen.keys.add(k);
  };

  for (let start = 0; start < items.length; start += size) {
    const chunk = items.slice(start, start + size);
    try {
      await runChunk(chunk);
    } catch (err) {
      if (err instanceof RosterError) throw err; // the caller may not do this at all
      if (chunk.length === 1) {
        results[chunk[0]!.index] = failedRow(chunk[0]!, err);
        continue;
      }
      for (const item of chunk) {
        try {
          await runChunk([item]);
        } catch (rowErr) {
          if (rowErr instanceof RosterError) throw rowErr;
          results[item.index] = failedRow(item, rowErr);
        }
      }
    }
  }
  return results;
}

function failedRow(item: Item, err: unknown): BulkItemResult {
  console.error(`[roster] bulk row ${item.input} failed:`, err);
  return {
    input: item.input,
    outcome: "failed",
    code: "INTERNAL",
    message: "The database failed on this row; it was not changed. Retry it.",
  };
}

const summary = (chunk: Item[]) =>
  `${chunk.length} item${chunk.length === 1 ? "" : "s"}: ${chunk.map((c) => c.input).join(",")}`.slice(0, 320);

async function processChunk(
  tx: Db,
  actor: Actor,
  now: Date,
  op: BulkOp,
  chunk: Item[],
  seenBefore: Seen,
  dryRun: boolean,
) {
  authorize(actor, op.permission);
  op.authorize?.(actor);
  const seen: Seen = { ids: new Set(seenBefore.ids), keys: new Set(seenBefore.keys) };
  const ids = chunk.filter((c) => c.kind === "id" && isUuid(c.input)).map((c) => c.input.toLowerCase());
  const keys = chunk
    .filter((c) => c.kind === "email")
    .map((c) => emailSchema.safeParse(c.input))
    .filter((p) => p.success)
    .map((p) => emailKey(p.data));
  const rows =
    ids.length + keys.length === 0
      ? []
      : await tx
          .select()
          .from(users)
          .where(
            sql`${users.orgId} = ${actor.orgId} and (${users.id} = any(${sql.param(ids)}::uuid[]) or ${users.emailKey} = any(${sql.param(keys)}::text[]))`,
          )
          .orderBy(users.id)
          .for("update");
  const byId = new Map(rows.map((r) => [r.id, r]));
  const byKey = new Map(rows.map((r) => [r.emailKey, r]));
  const admins = await activeAdminIds(tx, actor.orgId);

  const out = new Map<number, BulkItemResult>();
  const accepted: UserRow[] = [];
  const refusals: ReturnType<typeof auditRow>[] = [];
  for (const item of chunk) {
    const base = { input: item.input };
    let target: UserRow | undefined;
    let key: string;
    if (item.kind === "id") {
      key = item.input.toLowerCase();
      target = isUuid(item.input) ? byId.get(key) : undefined;
      if (seen.ids.has(key)) {
        out.set(item.index, { ...base, outcome: "skipped", code: "DUPLICATE", message: "Named earlier in this request" });
        continue;
      }
    } else {
      const parsed = emailSchema.safeParse(item.input);
      if (!parsed.success) {
        out.set(item.index, { ...base, outcome: "failed", code: "VALIDATION", message: "Not a valid email address" });
        continue;
      }
      key = emailKey(parsed.data);
      target = byKey.get(key);
      if (seen.keys.has(key)) {
        out.set(item.index, { ...base, outcome: "skipped", code: "DUPLICATE", message: "Named earlier in this request" });
        continue;
      }
    }
    if (!target) {
      out.set(item.index, { ...base, outcome: "not_found", code: "NOT_FOUND", message: "No such user in your organization" });
      refusals.push(auditRow(actor, { action: op.action, outcome: "refused", target: null, changes: { code: "NOT_FOUND", input: item.input.slice(0, 320) } }, now));
      continue;
    }
    const named = { ...base, userId: target.id, email: target.email };
    if (seen.ids.has(target.id)) {
      out.set(item.index, { ...named, outcome: "skipped", code: "DUPLICATE", message: "Named earlier in this request" });
      continue;
    }
    seen.ids.add(target.id);
    seen.keys.add(target.emailKey);
    const removes = op.removesAdmin(target);
    const left = removes ? admins.size - (admins.has(target.id) ? 1 : 0) : null;
    const block = lifecycleBlock(actor, target, left);
    if (block) {
      out.set(item.index, { ...named, outcome: "skipped", code: block.code, message: block.message });
      refusals.push(auditRow(actor, { action: op.action, outcome: "refused", target, changes: { code: block.code, message: block.message } }, now));
      continue;
    }
    const noop = op.isNoop(target);
    if (noop) {
      out.set(item.index, { ...named, outcome: "skipped", message: noop });
      continue;
    }
    if (removes) admins.delete(target.id);
    accepted.push(target);
    out.set(item.index, { ...named, outcome: op.outcome });
  }
  if (!dryRun) {
    if (accepted.length) await op.apply(tx, accepted, now);
    const events = [
      ...accepted.map((t) => auditRow(actor, { action: op.action, target: t, changes: op.changes(t) }, now)),
      ...refusals,
    ];
    if (events.length) await tx.insert(auditEvents).values(events);
  }
  return { results: out, seen };
}

const idArray = (targets: UserRow[]) => sql.param(targets.map((t) => t.id));

const deleteOp: BulkOp = {
  action: "user.deleted",
  permission: "users:delete",
  outcome: "deleted",
  isNoop: () => null,
  removesAdmin: isAdmin,
  apply: async (tx, targets) => {
    await tx.delete(users).where(sql`${users.id} = any(${idArray(targets)}::uuid[])`);
  },
  changes: (t) => ({ role: { old: t.role, new: null }, status: { old: t.status, new: null } }),
};

const deactivateOp: BulkOp = {
  action: "user.deactivated",
  permission: "users:deactivate",
  outcome: "deactivated",
  isNoop: (t) => (t.status === "deactivated" ? "Already deactivated" : null),
  removesAdmin: isAdmin,
  apply: async (tx, targets, now) => {
    await tx
      .update(users)
      .set({ status: "deactivated", deactivatedAt: now, ...touchAndEndSessions(now) })
      .where(sql`${users.id} = any(${idArray(targets)}::uuid[])`);
    await cutAccess(tx, targets.map((t) => t.id), now);
  },
  changes: (t) => ({ status: { old: t.status, new: "deactivated" } }),
};

function changeRoleOp(role: Role): BulkOp {
  return {
    action: "user.role_changed",
    permission: "users:change_role",
    outcome: "updated",
    authorize: (actor) => {
      if (!canGrant(actor.role, role)) throw forbidden(`You cannot grant the ${role} role`);
    },
    isNoop: (t) => (t.role === role ? `Already ${role === "admin" || role === "auditor" ? "an" : "a"} ${role}` : null),
    removesAdmin: (t) => isAdmin(t) && role !== "admin",
    apply: async (tx, targets, now) => {
      await tx
        .update(users)
        .set({ role, ...touchAndEndSessions(now) })
        .where(sql`${users.id} = any(${idArray(targets)}::uuid[])`);
      await revokeKeysAbove(tx, targets.map((t) => t.id), role, now);
    },
    changes: (t) => ({ role: { old: t.role, new: role } }),
  };
}

/** Deletes users named by id and/or email: one outcome per input, in input order. */
export async function bulkDelete(deps: CoreDeps, principal: Principal, input: unknown) {
  const v = parseInput(bulkTargetsSchema, input);
  return runBulk(deps, principal, deleteOp, v.ids ?? [], v.emails ?? [], v.dryRun ?? false);
}

export async function bulkDeactivate(deps: CoreDeps, principal: Principal, input: unknown) {
  const v = parseInput(bulkTargetsSchema, input);
  return runBulk(deps, principal, deactivateOp, v.ids ?? [], v.emails ?? [], v.dryRun ?? false);
}

export async function bulkChangeRole(deps: CoreDeps, principal: Principal, input: unknown) {
  const v = parseInput(bulkChangeRoleSchema, input);
  return runBulk(deps, principal, changeRoleOp(v.role), v.ids ?? [], v.emails ?? [], v.dryRun ?? false);
}

