// Shared zod schemas for the audit log: the audit page, its export route and the REST API parse
// the same query. No server-only code here.
import { z } from "zod";
import { EXPORT_FORMATS, ROLES } from "./enums";
import { withoutPaging } from "./users";

/** Outcomes of an audited attempt. */
export const AUDIT_OUTCOMES = ["success", "refused"] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/**
 * The actions the core writes today (the audit page offers these as filter options). The filter
 * accepts any well-formed action name, so events of features added later stay findable; read
 * refusals are recorded under the permission's name ("users:read", "audit:read").
 */
export const AUDIT_ACTIONS = [
  "user.created",
  "user.invited",
  "user.updated",
  "user.role_changed",
  "user.deactivated",
  "user.reactivated",
  "user.deleted",
  "user.password_set",
  "user.password_reset",
  "user.password_reset_completed",
  "user.password_changed",
  "user.sessions_revoked",
  "invitation.resent",
  "invitation.link_copied",
  "invitation.revoked",
  "invitation.accepted",
  "auth.sign_in",
  "users.exported",
  "audit.exported",
  "users:read",
  "audit:read",
] as const;

export const AUDIT_PAGE_SIZES = [10, 25, 50, 100] as const;
export const AUDIT_LIMIT_MIN = 10;
export const AUDIT_LIMIT_MAX = 100;

const ACTION_RE = /^[a-z][a-z_]*(?:[.:][a-z_]+)*$/;
export const auditActionSchema = z
  .string()
  .trim()
  .max(64, "An action has at most 64 characters")
  .regex(ACTION_RE, "Not an action name (like user.role_changed)");

const oneOrMany = <T extends z.ZodType>(item: T, max: number) =>
  z.preprocess((v) => (v === undefined || Array.isArray(v) ? v : [v]), z.array(item).max(max));

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar day (Date.parse would roll 2026-02-30 over to March 2). */
function realDay(s: string): boolean {
  const day = s.slice(0, 10);
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day;
}

/**
 * A point in time from a URL: an ISO date-time with its offset, or a calendar date (UTC). A date
 * alone means the start of that day for `from` and the whole day for `to` (see `auditRange`).
 */
const instantSchema = z
  .string()
  .trim()
  .max(40)
  .refine(
    (s) =>
      (DATE_ONLY.test(s) || z.iso.datetime({ offset: true }).safeParse(s).success) &&
      realDay(s) &&
      !Number.isNaN(Date.parse(s)),
    "Use a date (2026-01-31) or an ISO date-time (2026-01-31T09:00:00Z)",
  );

/** Who or what an event names: a user id or an email (matched as stored, so deleted users too). */
const personSchema = z.string().trim().min(1).max(320, "At most 320 characters");

const auditFilterShape = {
  actor: personSchema.optional(),
  /** Events by whoever holds this role now (the overview's "recent admin activity"). */
  actorRole: z.enum(ROLES).optional(),
  target: personSchema.optional(),
  action: oneOrMany(auditActionSchema, 30).optional(),
  outcome: z.enum(AUDIT_OUTCOMES, { error: `outcome must be one of: ${AUDIT_OUTCOMES.join(", ")}` }).optional(),
  from: instantSchema.optional(),
  to: instantSchema.optional(),
};

/** The half-open interval [from, to) of a filter; a date-only `to` includes that whole day. */
export function auditRange(f: { from?: string; to?: string }): { from: Date | null; to: Date | null } {
  const from = f.from ? new Date(DATE_ONLY.test(f.from) ? `${f.from}T00:00:00Z` : f.from) : null;
  let to: Date | null = null;
  if (f.to) {
    to = new Date(DATE_ONLY.test(f.to) ? `${f.to}T00:00:00Z` : f.to);
    if (DATE_ONLY.test(f.to)) to = new Date(to.getTime() + 86_400_000);
  }
  return { from, to };
}

const rangeInOrder = (v: { from?: string; to?: string }, ctx: z.RefinementCtx) => {
  const { from, to } = auditRange(v);
  if (from && to && from >= to) {
    ctx.addIssue({ code: "custom", path: ["to"], message: "The end of the range must come after its start" });
  }
};

/**
 * The audit log query, from a URL or a JSON body: filters, page size (clamped to 10–100) and an
 * opaque cursor. Unknown keys are refused.
 */
export const listAuditEventsQuerySchema = z
  .strictObject({
    ...auditFilterShape,
    limit: z.coerce
      .number({ error: "limit must be a number" })
      .refine(Number.isFinite, "limit must be a number")
      .transform((n) => Math.min(AUDIT_LIMIT_MAX, Math.max(AUDIT_LIMIT_MIN, Math.trunc(n))))
      .default(50),
    cursor: z.string().max(400).optional(),
  })
  .superRefine(rangeInOrder);
export type ListAuditEventsQuery = z.input<typeof listAuditEventsQuerySchema>;

/** The export's filter: the list's, without paging (a URL's `limit` and `cursor` are dropped). */
export const exportAuditEventsQuerySchema = withoutPaging(z.strictObject(auditFilterShape).superRefine(rangeInOrder));
export type AuditFilter = z.output<typeof exportAuditEventsQuerySchema>;

export const auditExportFormatSchema = z
  .enum(EXPORT_FORMATS, { error: `format must be one of: ${EXPORT_FORMATS.join(", ")}` })
  .default("csv");
