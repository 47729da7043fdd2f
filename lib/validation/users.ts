// Shared zod schemas for users: the forms' zodResolver, the server actions and the REST API all
// import these, and the server always parses again. No server-only code here.
import { z } from "zod";
import {
  EXPORT_FORMATS,
  INVITATION_FILTERS,
  INVITE_MODES,
  isCalendarDate,
  PROFILE_FIELDS,
  ROLES,
  STATUSES,
  USER_SORTS,
  type ProfileField,
} from "./enums";

export const roleSchema = z.enum(ROLES, { error: "Choose a role" });
export const statusSchema = z.enum(STATUSES);

/** Normalizes an email the way the unique key does: trim, NFC, lower-case. */
export function emailKey(email: string): string {
  return email.trim().normalize("NFC").toLowerCase();
}

// ASCII only, on purpose: a look-alike address with a Cyrillic letter is refused as invalid
// rather than becoming a second account for "the same" person.
const EMAIL_RE =
  /^(?!\.)(?!.*\.\.)[A-Za-z0-9_'+\-.]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}$/;

export const emailSchema = z
  .string({ error: "Enter an email address" })
  .trim()
  .normalize("NFC")
  .min(1, "Enter an email address")
  .max(254, "An email address has at most 254 characters")
  .regex(EMAIL_RE, "Enter a valid email address (letters, digits and . _ ' + - only)");

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
// Control characters (NUL and friends) are refused; every other Unicode character, emoji
// included, is allowed, and nothing is ever truncated.
const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * The rules of a password's shape, one list for the schema below and for the hints a form shows
 * as you type, so the two cannot drift. Lengths count Unicode code points, not UTF-16 units.
 */
export const PASSWORD_RULES = [
  {
    id: "min",
    label: `At least ${PASSWORD_MIN} characters`,
    message: `Use at least ${PASSWORD_MIN} characters`,
    test: (p: string) => [...p].length >= PASSWORD_MIN,
  },
  {
    id: "max",
    label: `At most ${PASSWORD_MAX} characters`,
    message: `Use at most ${PASSWORD_MAX} characters`,
    test: (p: string) => [...p].length <= PASSWORD_MAX,
  },
  {
    id: "control",
    label: "No control characters",
    message: "Passwords cannot contain control characters",
    test: (p: string) => !CONTROL_RE.test(p),
  },
] as const;

/** The shape of a password (the common-password list is checked on the server). */
export const passwordSchema = PASSWORD_RULES.reduce(
  (schema, rule) => schema.refine(rule.test, rule.message),
  z.string({ error: "Enter a password" }),
);

/** True when a password is the email address or its local part (refused by the policy). */
export function passwordIsEmail(password: string, email: string): boolean {
  const p = password.normalize("NFC").toLowerCase();
  const e = email.trim().toLowerCase();
  return e !== "" && (p === e || p === e.split("@")[0]);
}

export const nameSchema = z
  .string()
  .trim()
  .normalize("NFC")
  .max(200, "A name has at most 200 characters");

const profileValue = z
  .string()
  .trim()
  .normalize("NFC")
  .max(200, "At most 200 characters")
  .transform((v) => (v === "" ? null : v))
  .nullable();

export const profileSchema = z.strictObject(
  Object.fromEntries(PROFILE_FIELDS.map((f) => [f, profileValue.optional()])) as Record<
    ProfileField,
    z.ZodOptional<typeof profileValue>
  >,
);

const withConfirmation = <T extends { password?: string; passwordConfirmation?: string }>(
  v: T,
  ctx: z.RefinementCtx,
) => {
  if (v.password !== undefined && v.password !== v.passwordConfirmation) {
    ctx.addIssue({
      code: "custom",
      path: ["passwordConfirmation"],
      message: "The passwords do not match",
    });
  }
};

/** Create one user: with a password (active at once), or by invitation mode. */
export const createUserSchema = z
  .strictObject({
    email: emailSchema,
    name: nameSchema.optional(),
    role: roleSchema.default("member"),
    isDeveloper: z.boolean().optional(),
    password: passwordSchema.optional(),
    passwordConfirmation: z.string().optional(),
    mustChangePassword: z.boolean().optional(),
    inviteMode: z.enum(INVITE_MODES).optional(),
    ...profileSchema.shape,
  })
  .superRefine(withConfirmation)
  .superRefine((v, ctx) => {
    if (v.password !== undefined && v.inviteMode !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["inviteMode"],
        message: "Give either a password or an invitation mode, not both",
      });
    }
  });
export type CreateUserInput = z.input<typeof createUserSchema>;

export const MAX_BULK_ITEMS = 10_000;

/** Invite many: emails as a list or pasted text (comma, semicolon, space or newline separated). */
export const inviteUsersSchema = z.strictObject({
  emails: z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (typeof v === "string" ? splitList(v) : v.map((e) => e.trim())))
    .pipe(
      z
        .array(z.string())
        .min(1, "Enter at least one email address")
        .max(1000, "Invite at most 1,000 people at once"),
    ),
  role: roleSchema.default("member"),
  name: nameSchema.optional(),
  inviteMode: z.enum(INVITE_MODES).default("email_link"),
});
export type InviteUsersInput = z.input<typeof inviteUsersSchema>;

/** Splits pasted text into items on commas, semicolons and white space. */
export function splitList(text: string): string[] {
  return text
    .split(/[\s,;]+/u)
    .map((s) => s.trim())
    .filter(Boolean);
}

export const versionSchema = z.number().int().positive();

export const updateUserSchema = z
  .strictObject({
    name: nameSchema.optional(),
    isDeveloper: z.boolean().optional(),
    expectedVersion: versionSchema.optional(),
    ...profileSchema.shape,
  })
  .refine((v) => Object.keys(v).some((k) => k !== "expectedVersion"), "Nothing to update");
export type UpdateUserInput = z.input<typeof updateUserSchema>;

export const changeRoleSchema = z.strictObject({
  role: roleSchema,
  expectedVersion: versionSchema.optional(),
});

/** PATCH /api/v1/users/{id}: profile fields and/or the role, in one request. */
export const patchUserSchema = z
  .strictObject({
    role: roleSchema.optional(),
    name: nameSchema.optional(),
    isDeveloper: z.boolean().optional(),
    expectedVersion: versionSchema.optional(),
    ...profileSchema.shape,
  })
  .refine((v) => Object.keys(v).some((k) => k !== "expectedVersion"), "Nothing to update");
export type PatchUserInput = z.input<typeof patchUserSchema>;

export const setPasswordSchema = z
  .strictObject({
    password: passwordSchema,
    passwordConfirmation: z.string(),
    /** The user must change it at next sign-in (a temporary password). */
    temporary: z.boolean().optional(),
  })
  .superRefine(withConfirmation);

export const changeOwnPasswordSchema = z
  .strictObject({
    currentPassword: z.string().min(1, "Enter your current password").max(1024),
    password: passwordSchema,
    passwordConfirmation: z.string(),
  })
  .superRefine(withConfirmation);

export const resetPasswordSchema = z.strictObject({
  mode: z.enum(["email_link", "temporary_password"]).default("email_link"),
});

export const redeemTokenSchema = z
  .strictObject({
    token: z.string().min(1).max(200),
    name: nameSchema.optional(),
    password: passwordSchema,
    passwordConfirmation: z.string(),
  })
  .superRefine(withConfirmation);

const idList = z.array(z.string().max(320)).max(MAX_BULK_ITEMS);
const listOrText = z
  .union([z.string(), idList])
  .transform((v) => (typeof v === "string" ? splitList(v) : v.map((s) => s.trim())));

/**
 * The list's filter as a bulk target ("all N matching this filter"): the core resolves it to the
 * matching users, in the list's order, at most MAX_BULK_ITEMS of them.
 */
export const bulkFilterSchema = z.strictObject({
  q: z.string().trim().max(200, "Search at most 200 characters").optional(),
  status: z.array(statusSchema).max(10).optional(),
  role: z.array(roleSchema).max(10).optional(),
  sort: z.enum(USER_SORTS).default("name"),
});
export type BulkFilter = z.input<typeof bulkFilterSchema>;

const listLength = (v: { ids?: string[]; emails?: string[]; items?: string[] }) =>
  (v.ids?.length ?? 0) + (v.emails?.length ?? 0) + (v.items?.length ?? 0);

/**
 * Bulk targets: ids, emails and/or items (each an id or an email, told apart by shape, as pasted),
 * one outcome per item in input order (ids, then emails, then items); or a filter instead.
 */
export const bulkTargetsSchema = z
  .strictObject({
    ids: listOrText.optional(),
    emails: listOrText.optional(),
    items: listOrText.optional(),
    filter: bulkFilterSchema.optional(),
    dryRun: z.boolean().optional(),
  })
  .refine((v) => !(v.filter && listLength(v) > 0), {
    message: "Name users either by a filter or by a list, not both",
    path: ["filter"],
  })
  .refine((v) => v.filter !== undefined || listLength(v) > 0, "Name at least one user")
  .refine(
    (v) => listLength(v) <= MAX_BULK_ITEMS,
    `At most ${MAX_BULK_ITEMS.toLocaleString("en")} users at once`,
  );
export type BulkTargetsInput = z.input<typeof bulkTargetsSchema>;

export const bulkChangeRoleSchema = bulkTargetsSchema.safeExtend({ role: roleSchema });

const oneOrMany = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (v === undefined || Array.isArray(v) ? v : [v]), z.array(item).max(10));

export { INVITATION_FILTERS, type InvitationFilter } from "./enums";

/** A calendar date (UTC), YYYY-MM-DD, that really exists. */
export const calendarDateSchema = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date like 2026-01-31")
  .refine(isCalendarDate, "Not a calendar date");

/** true/false as JSON, or as the strings a URL carries. */
const flagSchema = z.union([
  z.boolean(),
  z.enum(["true", "false", "1", "0"], { error: "Use true or false" }).transform((v) => v === "true" || v === "1"),
]);

/**
 * The users list query, from a URL or a JSON body. Unknown keys are refused; numbers are
 * coerced from strings; limit is clamped to 1–100.
 */
export const listUsersQuerySchema = z.strictObject({
  q: z.string().trim().max(200, "Search at most 200 characters").optional(),
  email: z.string().trim().max(320).optional(),
  status: oneOrMany(statusSchema).optional(),
  role: oneOrMany(roleSchema).optional(),
  /** Invited users whose open invitation is still valid, or has expired. */
  invitation: z.enum(INVITATION_FILTERS, { error: `invitation must be one of: ${INVITATION_FILTERS.join(", ")}` }).optional(),
  /** Users who have never signed in. */
  neverSignedIn: flagSchema.optional(),
  /** Users who have signed in, but not since this date (UTC): last sign-in before it. */
  notSeenSince: calendarDateSchema.optional(),
  sort: z.enum(USER_SORTS, { error: `Sort by one of: ${USER_SORTS.join(", ")}` }).default("name"),
  limit: z.coerce
    .number({ error: "limit must be a number" })
    .refine(Number.isFinite, "limit must be a number")
    .transform((n) => Math.min(100, Math.max(1, Math.trunc(n))))
    .default(50),
  cursor: z.string().max(1000).optional(),
});
export type ListUsersQuery = z.input<typeof listUsersQuerySchema>;

/**
 * URL query parameters as input for these schemas: a key given once is a string, a repeated one
 * an array (the schemas accept either where a list is meant, and refuse an array elsewhere).
 */
export function searchParamsInput(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    out[key] = values.length === 1 ? values[0]! : values;
  }
  return out;
}

/**
 * An export's filter from a list's query: the paging keys of a list URL (`limit`, `cursor`)
 * are dropped rather than refused (an export is every page); other unknown keys are refused
 * by `filter` itself.
 */
export function withoutPaging<S extends z.ZodType>(filter: S) {
  return z.preprocess((v) => {
    if (!v || typeof v !== "object" || Array.isArray(v)) return v;
    const rest: Record<string, unknown> = { ...v };
    delete rest.limit;
    delete rest.cursor;
    return rest;
  }, filter);
}

/** The users export's filter: the list's query without its paging. */
export const exportUsersQuerySchema = withoutPaging(listUsersQuerySchema.omit({ limit: true, cursor: true }));
export type ExportUsersQuery = Omit<ListUsersQuery, "limit" | "cursor">;

export const exportFormatSchema = z
  .enum(EXPORT_FORMATS, { error: `format must be one of: ${EXPORT_FORMATS.join(", ")}` })
  .default("csv");
