// The REST API's response shapes as zod schemas: the OpenAPI document is generated from these
// and from the request schemas in users.ts, and the typed client can check answers with them.
// Type assertions below keep them equal to the core's DTO types. No server-only code here.
import { z } from "zod";
import type {
  BulkItemResult,
  CreateUserResult,
  InvitationDTO,
  ListUsersResult,
  UserDetailDTO,
  UserDTO,
} from "../users/types";
import type { ErrorBody } from "../users/errors";
import type { UserStats } from "../users/stats";
import type { ApiKeyDTO, CreatedApiKey } from "../users/types";
import type { AuditEventDTO } from "../users/timeline";
import type { ListAuditEventsResult } from "../users/audit-log";
import type { OverviewDTO } from "../users/overview";
import { INVITATION_FILTERS } from "./users";
import { BULK_OUTCOMES, ERROR_CODES, PROFILE_FIELDS, ROLES, SCOPES, STATUSES, type ProfileField } from "./enums";

const dateTime = z.iso.datetime({ offset: true });
const nullableString = z.string().nullable();

export const invitationDtoSchema = z.object({
  state: z.enum(["pending", "expired", "accepted", "revoked"]),
  createdAt: dateTime,
  sentAt: dateTime.nullable(),
  expiresAt: dateTime,
  acceptedAt: dateTime.nullable(),
  revokedAt: dateTime.nullable(),
});

export const userDtoSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    status: z.enum(STATUSES),
    isDeveloper: z.boolean(),
    mustChangePassword: z.boolean(),
    hasPassword: z.boolean(),
    ...(Object.fromEntries(PROFILE_FIELDS.map((f) => [f, nullableString])) as Record<ProfileField, typeof nullableString>),
    lastLoginAt: dateTime.nullable(),
    invitedBy: z.uuid().nullable(),
    createdAt: dateTime,
    updatedAt: dateTime,
    deactivatedAt: dateTime.nullable(),
    version: z.number().int().meta({ description: "Send back as expectedVersion to detect a stale write" }),
    invitation: invitationDtoSchema.nullable(),
  });

export const userDetailDtoSchema = userDtoSchema
  .extend({
    invitedByUser: z.object({ id: z.uuid(), email: z.string(), name: z.string() }).nullable(),
    apiKeys: z.object({ active: z.number().int(), lastUsedAt: dateTime.nullable() }),
    isLastActiveAdmin: z.boolean(),
  });

export const listUsersResultSchema = z
  .object({
    data: z.array(userDtoSchema),
    nextCursor: z.string().nullable(),
    prevCursor: z.string().nullable(),
    total: z.number().int(),
    totalExact: z.boolean().meta({ description: "false when total is the planner's estimate (over 1,000 matches)" }),
  });

export const bulkItemResultSchema = z
  .object({
    input: z.string(),
    userId: z.uuid().optional(),
    email: z.string().optional(),
    outcome: z.enum(BULK_OUTCOMES),
    code: z.enum([...ERROR_CODES, "DUPLICATE"]).optional(),
    message: z.string().optional(),
    invitationLink: z.string().optional(),
    temporaryPassword: z.string().optional(),
  });

export const bulkResultSchema = z.object({ data: z.array(bulkItemResultSchema) });

export const createUserResultSchema = z
  .object({
    user: userDtoSchema,
    invitationLink: z.string().optional().meta({ description: "inviteMode none: the link to hand over (shown once)" }),
    temporaryPassword: z.string().optional().meta({ description: "inviteMode temporary_password: shown once" }),
  });

export const resetPasswordResultSchema = z
  .object({
    user: userDtoSchema,
    temporaryPassword: z.string().optional(),
    link: z.string().optional(),
  });

export const resendInvitationResultSchema = z
  .object({ user: userDtoSchema, invitationLink: z.string().optional() });

export const deletedUserSchema = z
  .object({ id: z.uuid(), email: z.string(), deleted: z.literal(true) });

export const userStatsSchema = z.object({
  total: z.number().int(),
  byStatus: z.object(Object.fromEntries(STATUSES.map((s) => [s, z.number().int()])) as Record<(typeof STATUSES)[number], z.ZodNumber>),
  byRole: z.object(Object.fromEntries(ROLES.map((r) => [r, z.number().int()])) as Record<(typeof ROLES)[number], z.ZodNumber>),
  exact: z.boolean().meta({ description: "False when the figures are the planner's estimates (over 50,000 users)" }),
});

export const auditEventDtoSchema = z.object({
  id: z.string(),
  action: z.string(),
  outcome: z.enum(["success", "refused"]),
  actorId: nullableString,
  actorEmail: nullableString,
  targetId: nullableString,
  targetEmail: nullableString,
  changes: z.record(z.string(), z.unknown()).nullable(),
  ip: nullableString,
  userAgent: nullableString,
  createdAt: dateTime,
});

export const apiKeyDtoSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().meta({ description: "The visible start of the key, e.g. rk_1a2b3c4d5e6f" }),
  scopes: z.array(z.enum(SCOPES)),
  state: z.enum(["active", "expired", "revoked"]),
  createdAt: dateTime,
  lastUsedAt: dateTime.nullable(),
  expiresAt: dateTime.nullable(),
  revokedAt: dateTime.nullable(),
});
export const apiKeyListSchema = z.object({ data: z.array(apiKeyDtoSchema) });
export const createdApiKeySchema = z.object({
  key: apiKeyDtoSchema,
  token: z.string().meta({ description: "The full key, shown once: send it as Authorization: Bearer <token>" }),
});

export const timelineResultSchema = z.object({ data: z.array(auditEventDtoSchema) });

export const auditEventListSchema = z.object({
  data: z.array(auditEventDtoSchema),
  nextCursor: z.string().nullable(),
  prevCursor: z.string().nullable(),
  total: z.number().int(),
  totalExact: z.boolean().meta({ description: "false when total is the planner's estimate (over 1,000 matches)" }),
});

const overviewFigureSchema = z.object({
  total: z.number().int(),
  totalExact: z.boolean(),
  query: z
    .object({
      status: z.array(z.enum(STATUSES)).optional(),
      invitation: z.enum(INVITATION_FILTERS).optional(),
      neverSignedIn: z.boolean().optional(),
      notSeenSince: z.string().optional(),
    })
    .meta({ description: "The GET /users filter that lists exactly the people counted" }),
});
const overviewInvitationSchema = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.string(),
  sentAt: dateTime.nullable(),
  expiresAt: dateTime,
});
const overviewInvitationsSchema = overviewFigureSchema.extend({ oldest: z.array(overviewInvitationSchema) });

export const overviewSchema = z.object({
  stats: userStatsSchema,
  invitations: z.object({ pending: overviewInvitationsSchema, expired: overviewInvitationsSchema }),
  neverSignedIn: overviewFigureSchema,
  notSeen: overviewFigureSchema.extend({ days: z.number().int(), since: z.string() }),
  adminActivity: z
    .array(auditEventDtoSchema)
    .nullable()
    .meta({ description: "The admins' latest events; null when the caller may not read the audit log" }),
  generatedAt: dateTime,
});

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      fields: z.record(z.string(), z.array(z.string())).optional(),
      requestId: z.string().optional().meta({ description: "Also in the X-Request-Id header and the server's log" }),
    }),
  });

// The schemas must describe exactly what the core returns.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const same = <T extends true>(t: T) => t;
same<Same<z.infer<typeof userDtoSchema>, UserDTO>>(true);
same<Same<z.infer<typeof invitationDtoSchema>, InvitationDTO>>(true);
same<Same<z.infer<typeof userDetailDtoSchema>, UserDetailDTO>>(true);
same<Same<z.infer<typeof listUsersResultSchema>, ListUsersResult>>(true);
same<Same<z.infer<typeof bulkItemResultSchema>, BulkItemResult>>(true);
same<Same<z.infer<typeof createUserResultSchema>, CreateUserResult>>(true);
same<Same<z.infer<typeof errorBodySchema>["error"], ErrorBody>>(true);
same<Same<z.infer<typeof userStatsSchema>, UserStats>>(true);
same<Same<z.infer<typeof auditEventDtoSchema>, AuditEventDTO>>(true);
same<Same<z.infer<typeof apiKeyDtoSchema>, ApiKeyDTO>>(true);
same<Same<z.infer<typeof createdApiKeySchema>, CreatedApiKey>>(true);
same<Same<z.infer<typeof auditEventListSchema>, ListAuditEventsResult>>(true);
same<Same<z.infer<typeof overviewSchema>, OverviewDTO>>(true);
