// The one source for enumerations: zod schemas, the Drizzle enums, filter options and the
// permission table are all derived from these arrays.

export const ROLES = ["admin", "manager", "auditor", "member"] as const;
export type Role = (typeof ROLES)[number];

/** Roles that may use the console at all (members have no console access). */
export const CONSOLE_ROLES = ["admin", "manager", "auditor"] as const satisfies readonly Role[];

export const STATUSES = ["invited", "active", "deactivated"] as const;
export type Status = (typeof STATUSES)[number];

export const SCOPES = ["users:read", "users:write", "users:delete", "audit:read"] as const;
export type Scope = (typeof SCOPES)[number];

export const INVITE_MODES = ["email_link", "temporary_password", "none"] as const;
export type InviteMode = (typeof INVITE_MODES)[number];

/** Sort keys of the users list; a leading "-" means descending. */
export const USER_SORT_FIELDS = ["name", "email", "created", "last_login"] as const;
export type UserSortField = (typeof USER_SORT_FIELDS)[number];
export const USER_SORTS = USER_SORT_FIELDS.flatMap((f) => [f, `-${f}`] as const) as readonly (
  | UserSortField
  | `-${UserSortField}`
)[];
export type UserSort = (typeof USER_SORTS)[number];

/** Formats of the users export (lib/users/export.ts); the first is the default. */
export const EXPORT_FORMATS = ["csv", "json", "ndjson"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const BULK_OUTCOMES = [
  "deleted",
  "deactivated",
  "updated",
  "invited",
  "not_found",
  "failed",
  "skipped",
] as const;
export type BulkOutcome = (typeof BULK_OUTCOMES)[number];

export const ERROR_CODES = [
  "VALIDATION",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "LAST_ADMIN",
  "SELF_ACTION",
  "RATE_LIMITED",
  "INTERNAL",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const ERROR_HTTP_STATUS: Record<ErrorCode, number> = {
  VALIDATION: 422,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  LAST_ADMIN: 409,
  SELF_ACTION: 409,
  RATE_LIMITED: 429,
  INTERNAL: 500,
};

export const PROFILE_FIELDS = [
  "login",
  "firstName",
  "lastName",
  "company",
  "phone",
  "address",
  "postalCode",
  "city",
  "state",
  "country",
] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

/** Invitation states the list can filter invited users by (the overview's figures link to them). */
export const INVITATION_FILTERS = ["pending", "expired"] as const;
export type InvitationFilter = (typeof INVITATION_FILTERS)[number];

/**
 * A calendar date (UTC) written YYYY-MM-DD that really exists. Plain code, not zod: the users
 * page's URL parsers use it in the browser, where zod is not loaded until a form needs it.
 */
export function isCalendarDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}
