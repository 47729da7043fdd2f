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
import { BULK_OUTCOMES, ERROR_CODES, PROFILE_FIELDS, ROLES, STATUSES, type ProfileField } from "./enums";

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
