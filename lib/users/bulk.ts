import "server-only";
import { and, isNull, sql, type SQL } from "drizzle-orm";
import type { z } from "zod";
import type { Db } from "../db/client";
import { apiKeys, auditEvents, invitations, users, type UserRow } from "../db/schema";
import type { Role } from "../validation/enums";
import {
  bulkChangeRoleSchema,
  bulkTargetsSchema,
  emailKey,
  emailSchema,
  MAX_BULK_ITEMS,
  type BulkTargetsInput,
} from "../validation/users";
import { forbidden, parseInput, RosterError } from "./errors";
import {
  activeAdminIds,
  auditRow,
  authorize,
  isUuid,
  mutate,
  read,
  touchAndEndSessions,
  type Actor,
  type CoreDeps,
} from "./context";
import { cutAccess, lifecycleBlock, revokeKeysAbove } from "./lifecycle";
import { keysetPage, listFilter, searchPlan } from "./list";
import { canGrant, ROLE_SCOPES, type Permission } from "./policy";
import type { BulkEffects, BulkItemResult, Principal } from "./types";

interface BulkOp {
  action: string;
  permission: Permission;
  outcome: "deleted" | "deactivated" | "updated";
  /** Extra whole-request checks (e.g. the role being granted). */
  authorize?: (actor: Actor) => void;
  /** A target already in the wanted state: reported as skipped, nothing written. */
  isNoop: (t: Target) => string | null;
  /** Whether doing it to this target leaves it no longer an active admin. */
  removesAdmin: (t: Target) => boolean;
  apply: (tx: Db, targets: Target[], now: Date) => Promise<void>;
  changes: (t: Target) => Record<string, unknown>;
  /** Which of a target's API keys go with it: all active ones, or those above `role`. */
  keysGo: "all" | { above: Role };
  /** Whether its pending invitations go with it. */
  invitationsGo: boolean;
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

/** What a bulk operation reads of each target: enough for the checks, the outcome and the audit. */
type Target = Pick<UserRow, "id" | "email" | "emailKey" | "role" | "status">;

const isAdmin = (t: Target) => t.role === "admin" && t.status === "active";

type Targets = z.output<typeof bulkTargetsSchema>;

/** An item of `items`: an id when it looks like one, otherwise an email. */
const kindOf = (input: string): Item["kind"] => (input.includes("@") ? "email" : "id");

/**
 * Runs a bulk operation: every item gets one outcome, in input order. Items go through in
 * chunks, each one transaction with a handful of set-based statements; if a chunk fails, its
 * rows are retried one by one so one bad row never takes the others down with it.
 *
 * By filter: the filter is resolved to the matching users (in the list's order, refused above
 * the limit) and re-applied under each chunk's row locks, so a user who stopped matching in
 * between is skipped (CONFLICT), never acted on.
 */
async function runBulk(deps: CoreDeps, principal: Principal, op: BulkOp, v: Targets): Promise<BulkItemResult[]> {
  const dryRun = v.dryRun ?? false;
  let scope: SQL | null = null;
  let listed: Omit<Item, "index">[];
  if (v.filter) {
    const resolved = await resolveFilter(deps, principal, op, v.filter);
    scope = resolved.scope;
    listed = resolved.ids.map((input) => ({ input, kind: "id" as const }));
  } else {
    listed = [
      ...(v.ids ?? []).map((input) => ({ input, kind: "id" as const })),
      ...(v.emails ?? []).map((input) => ({ input, kind: "email" as const })),
      ...(v.items ?? []).map((input) => ({ input, kind: kindOf(input) })),
    ];
  }
  const items: Item[] = listed.map((it, index) => ({ ...it, index }));
  const results: BulkItemResult[] = items.map((it) => ({ input: it.input, outcome: "failed" }));
  const seen: Seen = { ids: new Set(), keys: new Set() };
  const size = Math.max(1, deps.config.bulkChunkSize);

  const runChunk = async (chunk: Item[]) => {
    const done = await mutate(deps, principal, op.action, { input: summary(chunk) }, (tx, actor, now) =>
      processChunk(tx, actor, now, op, chunk, seen, dryRun, scope),
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

/**
 * "All N matching this filter": the ids of the caller's users that the list's filter matches,
 * in the list's order. The caller must be allowed the operation at all (a refusal is audited
 * once); more matches than the limit is VALIDATION, with nothing done.
 */
async function resolveFilter(deps: CoreDeps, principal: Principal, op: BulkOp, filter: NonNullable<Targets["filter"]>) {
  const limit = deps.config.bulkFilterLimit ?? MAX_BULK_ITEMS;
  return read(
    deps,
    principal,
    op.permission,
    async (db, actor) => {
      // Read as the list reads its pages (searchPlan): a clustered substring reads its matches first.
      const plan = await searchPlan(db, actor.orgId, filter, filter.sort, deps.config.searchMatchesFirstBelow, deps.now());
      // Each target row is checked against the filter again under its lock (processChunk): by
      // its own columns, not by a search of the whole org per statement.
      const scope = listFilter(actor.orgId, filter, deps.now(), "columns");
      const rows = await keysetPage(db, plan.parts, filter.sort, { limit: limit + 1, matches: plan.matches });
      if (rows.length > limit) {
        const message = `This filter matches more than ${limit.toLocaleString("en")} users; narrow it down (at most ${limit.toLocaleString("en")} at once)`;
        throw new RosterError("VALIDATION", message, { filter: [message] });
      }
      return { scope, ids: rows.map((r) => r.id) };
    },
    op.action,
  );
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
  scope: SQL | null,
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
  // Locks the named users; `inScope` says whether each still matches the filter (when by filter).
  const rows =
    ids.length + keys.length === 0
      ? []
      : await tx
          .select({
            id: users.id,
            email: users.email,
            emailKey: users.emailKey,
            role: users.role,
            status: users.status,
            inScope: scope ? sql<boolean>`(${scope})` : sql<boolean>`true`,
          })
          .from(users)
          .where(
            sql`${users.orgId} = ${actor.orgId} and (${users.id} = any(${sql.param(ids)}::uuid[]) or ${users.emailKey} = any(${sql.param(keys)}::text[]))`,
          )
          .orderBy(users.id)
          .for("update", { of: users });
  const outOfScope = new Set(rows.filter((r) => !r.inScope).map((r) => r.id));
  const byId = new Map<string, Target>(rows.map((r) => [r.id, r]));
  const byKey = new Map<string, Target>(rows.map((r) => [r.emailKey, r]));
  const admins = await activeAdminIds(tx, actor.orgId);

  const out = new Map<number, BulkItemResult>();
  const accepted: Target[] = [];
  const refusals: ReturnType<typeof auditRow>[] = [];
  for (const item of chunk) {
    const base = { input: item.input };
    let target: Target | undefined;
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
    if (outOfScope.has(target.id)) {
      out.set(item.index, { ...named, outcome: "skipped", code: "CONFLICT", message: "Changed since the filter was read: it no longer matches" });
      continue;
    }
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
  if (dryRun) {
    const effects = await effectsOf(tx, op, accepted, now);
    for (const [index, r] of out) {
      if (r.userId && r.outcome === op.outcome) out.set(index, { ...r, effects: effects.get(r.userId) });
    }
  } else {
    if (accepted.length) await op.apply(tx, accepted, now);
    const events = [
      ...accepted.map((t) => auditRow(actor, { action: op.action, target: t, changes: op.changes(t) }, now)),
      ...refusals,
    ];
    await insertAuditRows(tx, events);
  }
  return { results: out, seen };
}

/** The audit columns a bulk insert writes, with the SQL type each is bound as. */
const AUDIT_COLUMNS = [
  ["org_id", "uuid", (e) => e.orgId],
  ["actor_id", "uuid", (e) => e.actorId],
  ["actor_email", "text", (e) => e.actorEmail],
  ["action", "text", (e) => e.action],
  ["target_id", "uuid", (e) => e.targetId],
  ["target_email", "text", (e) => e.targetEmail],
  ["changes", "jsonb", (e) => (e.changes === null ? null : JSON.stringify(e.changes))],
  ["outcome", "text", (e) => e.outcome],
  ["ip", "text", (e) => e.ip],
  ["user_agent", "text", (e) => e.userAgent],
  ["created_at", "timestamptz", (e) => e.createdAt.toISOString()],
] as const satisfies readonly (readonly [string, string, (e: ReturnType<typeof auditRow>) => unknown])[];

/**
 * Inserts many audit events in one statement: a column that varies is one array parameter
 * (unnest), a column every event shares (the org, the actor, the action, the time…) one value.
 * Building, binding and parsing a thousand rows of eleven parameters each costs more than the insert.
 */
async function insertAuditRows(tx: Db, events: ReturnType<typeof auditRow>[]) {
  if (events.length === 0) return;
  const columns = AUDIT_COLUMNS.map(([, type, get]) => {
    const all = events.map(get);
    return { type, all, shared: all.every((v) => v === all[0]) };
  });
  // One unnest at least, or many identical events would insert as one row.
  if (events.length > 1 && columns.every((c) => c.shared)) columns[0]!.shared = false;
  const values = columns.map(({ type, all, shared }) =>
    shared ? sql`${all[0]}::${sql.raw(type)}` : sql`unnest(${sql.param(all)}::${sql.raw(type)}[])`,
  );
  // Every unnest has one element per event, so the select yields exactly one row per event.
  await tx.execute(sql`
    insert into ${auditEvents} (${sql.raw(AUDIT_COLUMNS.map(([name]) => name).join(", "))})
    select ${sql.join(values, sql`, `)}`);
}

/** What goes with each target (dry runs): active API keys and pending invitations. */
async function effectsOf(tx: Db, op: BulkOp, targets: Target[], now: Date): Promise<Map<string, BulkEffects>> {
  const effects = new Map<string, BulkEffects>(targets.map((t) => [t.id, { apiKeys: 0, invitations: 0 }]));
  if (targets.length === 0) return effects;
  const ids = idArray(targets);
  const [keys, invs] = await Promise.all([
    tx
      .select({ userId: apiKeys.userId, n: sql<number>`count(*)::int` })
      .from(apiKeys)
      .where(
        and(
          sql`${apiKeys.userId} = any(${ids}::uuid[])`,
          isNull(apiKeys.revokedAt),
          sql`(${apiKeys.expiresAt} is null or ${apiKeys.expiresAt} > ${now})`,
          op.keysGo === "all" ? undefined : sql`not (${apiKeys.scopes} <@ ${sql.param([...ROLE_SCOPES[op.keysGo.above]])}::text[])`,
        ),
      )
      .groupBy(apiKeys.userId),
    op.invitationsGo
      ? tx
          .select({ userId: invitations.userId, n: sql<number>`count(*)::int` })
          .from(invitations)
          .where(
            and(
              sql`${invitations.userId} = any(${ids}::uuid[])`,
              isNull(invitations.acceptedAt),
              isNull(invitations.revokedAt),
              sql`${invitations.expiresAt} > ${now}`,
            ),
          )
          .groupBy(invitations.userId)
      : Promise.resolve([]),
  ]);
  for (const k of keys) effects.get(k.userId)!.apiKeys = Number(k.n);
  for (const i of invs) effects.get(i.userId)!.invitations = Number(i.n);
  return effects;
}

const idArray = (targets: Target[]) => sql.param(targets.map((t) => t.id));

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
  keysGo: "all",
  invitationsGo: true,
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
  keysGo: "all",
  invitationsGo: true,
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
    keysGo: { above: role },
    invitationsGo: false,
  };
}

/** Deletes users named by id, email or filter: one outcome per input, in input order. */
export async function bulkDelete(deps: CoreDeps, principal: Principal, input: unknown) {
  return runBulk(deps, principal, deleteOp, parseInput(bulkTargetsSchema, input));
}

export async function bulkDeactivate(deps: CoreDeps, principal: Principal, input: unknown) {
  return runBulk(deps, principal, deactivateOp, parseInput(bulkTargetsSchema, input));
}

export async function bulkChangeRole(deps: CoreDeps, principal: Principal, input: unknown) {
  const { role, ...targets } = parseInput(bulkChangeRoleSchema, input);
  return runBulk(deps, principal, changeRoleOp(role), targets);
}

export type { BulkTargetsInput };
