import "server-only";
// The audit log, read: one query module for the audit page, its export, the REST API and the
// drawer's per-user timeline. Events are matched by the ids and emails they stored, so they
// outlive the users they name (a deleted user's events are found by email).
import { and, eq, getTableColumns, inArray, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { z } from "zod";
import type { Db } from "../db/client";
import { auditEvents, users, type AuditEventRow } from "../db/schema";
import type { ExportFormat } from "../validation/enums";
import {
  auditExportFormatSchema,
  auditRange,
  exportAuditEventsQuerySchema,
  listAuditEventsQuerySchema,
  type AuditFilter,
  type AuditOutcome,
} from "../validation/audit";
import { emailKey } from "../validation/users";
import { audit, isUuid, read, type CoreDeps } from "./context";
import { parseInput } from "./errors";
import { badKeyIsInvalidCursor, decodeCursor, encodeCursor, pageWindow } from "./keyset";
import { csvCell, type ExportFile } from "./export";
import { countUsers } from "./list";
import type { Principal } from "./types";

export interface AuditEventDTO {
  id: string;
  action: string;
  outcome: AuditOutcome;
  actorId: string | null;
  actorEmail: string | null;
  targetId: string | null;
  targetEmail: string | null;
  /** `{ field: { old, new } }` for changes; `{ code, message, input? }` for refusals. */
  changes: Record<string, unknown> | null;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
}

export interface ListAuditEventsResult {
  data: AuditEventDTO[];
  nextCursor: string | null;
  prevCursor: string | null;
  /** Exact up to 1,000 matches; beyond, the planner's estimate (`totalExact: false`). */
  total: number;
  totalExact: boolean;
}

export function toAuditEventDTO(e: AuditEventRow): AuditEventDTO {
  return {
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
  };
}

/** A filter as the queries take it: the parsed query, or a user id (the timeline). */
export type AuditWhere = AuditFilter & { targetId?: string };

/**
 * The WHERE clause of an audit query. An id or email matches what the event stored; emails
 * case-insensitively, on the `lower(...)` expressions that the indexes hold.
 */
export function auditFilter(orgId: string, f: AuditWhere): SQL {
  const parts: SQL[] = [eq(auditEvents.orgId, orgId)];
  const person = (idCol: AnyPgColumn, emailCol: AnyPgColumn, ref: string) =>
    isUuid(ref) ? sql`${idCol} = ${ref.toLowerCase()}::uuid` : sql`lower(${emailCol}) = ${emailKey(ref)}`;
  if (f.actor) parts.push(person(auditEvents.actorId, auditEvents.actorEmail, f.actor));
  if (f.target) parts.push(person(auditEvents.targetId, auditEvents.targetEmail, f.target));
  if (f.targetId) parts.push(eq(auditEvents.targetId, f.targetId));
  if (f.actorRole) {
    parts.push(
      sql`${auditEvents.actorId} in (select ${users.id} from ${users} where ${users.orgId} = ${orgId} and ${users.role} = ${f.actorRole})`,
    );
  }
  if (f.action?.length) parts.push(inArray(auditEvents.action, f.action));
  if (f.outcome) parts.push(eq(auditEvents.outcome, f.outcome));
  const { from, to } = auditRange(f);
  if (from) parts.push(sql`${auditEvents.createdAt} >= ${from.toISOString()}::timestamptz`);
  if (to) parts.push(sql`${auditEvents.createdAt} < ${to.toISOString()}::timestamptz`);
  return and(...parts)!;
}

const cursorSchema = z.tuple([z.string().max(64), z.string().refine(isUuid), z.enum(["n", "p"])]);

/** Opaque cursors (keyset.ts): [created_at as the database prints it, id, direction]. */

/**
 * One keyset page, newest first (or oldest first with `reverse`), strictly after `after` (a
 * created_at as text, as `key` gives it, and an id). The timestamp travels as the database's
 * text so that microseconds survive the round trip.
 *
 * With `actorRole`, each holder of the role gets their own ordered index walk (a lateral join
 * on audit_org_actor), merged: a page costs at most (holders × page) index entries, whether
 * the admins wrote most of the log or almost none of it.
 */
export async function auditPage(
  db: Db,
  orgId: string,
  filter: AuditWhere,
  opts: { after?: readonly [key: string, id: string] | null; reverse?: boolean; limit: number },
): Promise<{ event: AuditEventRow; key: string }[]> {
  const conditions = [auditFilter(orgId, { ...filter, actorRole: undefined })];
  if (opts.after) {
    const [k, id] = opts.after;
    const cmp = opts.reverse ? sql`>` : sql`<`;
    conditions.push(sql`(${auditEvents.createdAt}, ${auditEvents.id}) ${cmp} (${k}::timestamptz, ${id}::uuid)`);
  }
  const dir = opts.reverse ? sql`asc` : sql`desc`;
  const key = sql<string>`(${auditEvents.createdAt})::text`;
  if (!filter.actorRole) {
    return db
      .select({ event: auditEvents, key })
      .from(auditEvents)
      .where(and(...conditions))
      .orderBy(sql`${auditEvents.createdAt} ${dir}`, sql`${auditEvents.id} ${dir}`)
      .limit(opts.limit);
  }
  const perActor = db
    .select({ ...getTableColumns(auditEvents), key: key.as("key") })
    .from(auditEvents)
    .where(and(...conditions, sql`${auditEvents.actorId} = ${users.id}`))
    .orderBy(sql`${auditEvents.createdAt} ${dir}`, sql`${auditEvents.id} ${dir}`)
    .limit(opts.limit)
    .as("e");
  const rows = await db
    .select()
    .from(users)
    .crossJoinLateral(perActor)
    .where(and(eq(users.orgId, orgId), eq(users.role, filter.actorRole)))
    .orderBy(sql`${perActor.createdAt} ${dir}`, sql`${perActor.id} ${dir}`)
    .limit(opts.limit);
  return rows.map(({ e: { key: k, ...event } }) => ({ event, key: k }));
}

/** One page of the org's audit events, newest first, keyset-paginated in either direction. */
export async function listAuditEvents(
  deps: CoreDeps,
  principal: Principal,
  input: unknown,
): Promise<ListAuditEventsResult> {
  const query = parseInput(listAuditEventsQuerySchema, input ?? {});
  const cursor = query.cursor ? decodeCursor(query.cursor, cursorSchema) : null;
  return read(deps, principal, "audit:read", async (db, actor) => {
    const rows = await auditPage(db, actor.orgId, query, {
      after: cursor && [cursor[0], cursor[1]],
      reverse: cursor?.[2] === "p",
      limit: query.limit + 1,
    }).catch(badKeyIsInvalidCursor(cursor !== null));
    const { page, first, last, hasNext, hasPrev } = pageWindow(rows, query.limit, cursor?.[2] ?? null);
    const totals = await countUsers(db, auditFilter(actor.orgId, query), auditEvents);
    return {
      data: page.map((r) => toAuditEventDTO(r.event)),
      nextCursor: hasNext && last ? encodeCursor([last.key, last.event.id, "n"]) : null,
      prevCursor: hasPrev && first ? encodeCursor([first.key, first.event.id, "p"]) : null,
      ...totals,
    };
  });
}

/** The latest events of a filter, for callers that already authorized (timeline, overview). */
export async function latestAuditEvents(db: Db, orgId: string, filter: AuditWhere, limit: number) {
  const rows = await auditPage(db, orgId, filter, { limit });
  return rows.map((r) => toAuditEventDTO(r.event));
}

// ---------------------------------------------------------------------------------------------
// Export

/** Events per database read; memory holds about two batches whatever the size of the export. */
export const AUDIT_EXPORT_BATCH_SIZE = 1000;

/** The exported columns, in order: CSV header names and JSON keys alike. */
export const AUDIT_EXPORT_COLUMNS = [
  "id",
  "createdAt",
  "action",
  "outcome",
  "actorId",
  "actorEmail",
  "targetId",
  "targetEmail",
  "changes",
  "ip",
  "userAgent",
] as const satisfies readonly (keyof AuditEventDTO)[];

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8; header=present",
  json: "application/json; charset=utf-8",
  ndjson: "application/x-ndjson; charset=utf-8",
};

/**
 * Exports the events the filter matches, newest first, as CSV, JSON or NDJSON. Authorizes
 * "audit:read" (a refusal is audited as "audit.exported") and writes one "audit.exported" event
 * with the filter and format before any row is read. Events written while the file downloads
 * are newer than the read position, so they never show up half-way.
 */
export async function exportAuditEvents(
  deps: CoreDeps,
  principal: Principal,
  query: unknown,
  format: unknown,
): Promise<ExportFile> {
  const filter = parseInput(exportAuditEventsQuerySchema, query ?? {});
  const { format: fmt } = parseInput(z.object({ format: auditExportFormatSchema }), { format: format ?? undefined });
  return read(
    deps,
    principal,
    "audit:read",
    async (db, actor) => {
      const now = deps.now();
      await audit(db, actor, { action: "audit.exported", changes: { format: fmt, filter: definedOnly(filter) } }, now);
      return {
        filename: `roster-audit-${now.toISOString().slice(0, 10)}.${fmt}`,
        contentType: CONTENT_TYPES[fmt],
        body: exportStream(deps.db, actor.orgId, filter, fmt),
      };
    },
    "audit.exported",
  );
}

function definedOnly(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== ""));
}

/** The matching events in keyset batches, one read ahead, each encoded when the consumer pulls. */
function exportStream(db: Db, orgId: string, filter: AuditWhere, format: ExportFormat): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const writer = WRITERS[format];
  const readBatch = (after: [string, string] | null) => auditPage(db, orgId, filter, { after, limit: AUDIT_EXPORT_BATCH_SIZE });
  let ahead: ReturnType<typeof readBatch> | null = null;
  let started = false;
  let cancelled = false;
  let sent = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const rows = await (ahead ?? readBatch(null));
          ahead = null;
          if (cancelled) return;
          const last = rows[rows.length - 1];
          const done = rows.length < AUDIT_EXPORT_BATCH_SIZE || !last;
          if (!done) {
            ahead = readBatch([last.key, last.event.id]);
            ahead.catch(() => {});
          }
          let text = started ? "" : writer.start;
          started = true;
          for (const r of rows) {
            text += writer.row(toAuditEventDTO(r.event), sent === 0);
            sent++;
          }
          if (done) text += writer.end(sent);
          if (text) controller.enqueue(encoder.encode(text));
          if (done) controller.close();
        } catch (err) {
          if (cancelled) return;
          console.error(`[roster] audit export failed after ${sent} events:`, err);
          controller.error(err);
        }
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
}

interface Writer {
  start: string;
  row: (e: AuditEventDTO, first: boolean) => string;
  end: (rows: number) => string;
}

const cell = (e: AuditEventDTO, c: (typeof AUDIT_EXPORT_COLUMNS)[number]) =>
  csvCell(c === "changes" ? (e.changes ? JSON.stringify(e.changes) : null) : e[c]);

const WRITERS: Record<ExportFormat, Writer> = {
  // BOM for Excel, CRLF as RFC 4180 writes them; `changes` as a JSON text cell; every cell
  // neutralized against formulas (a name or user agent may start with "=": SECURITY.md 24).
  csv: {
    start: "\uFEFF" + AUDIT_EXPORT_COLUMNS.join(",") + "\r\n",
    row: (e) => AUDIT_EXPORT_COLUMNS.map((c) => cell(e, c)).join(",") + "\r\n",
    end: () => "",
  },
  json: {
    start: "[",
    row: (e, first) => (first ? "\n" : ",\n") + JSON.stringify(e),
    end: (rows) => (rows ? "\n]\n" : "]\n"),
  },
  ndjson: {
    start: "",
    row: (e) => JSON.stringify(e) + "\n",
    end: () => "",
  },
};
