// The OpenAPI 3.1 document of /api/v1, generated from the shared zod schemas (request bodies
// and query from lib/validation/users.ts, answers from lib/validation/api.ts) with zod's own
// JSON Schema output (draft 2020-12, OpenAPI 3.1's dialect). Served at /api/v1/openapi.json
// and rendered by the console's API reference page. No server-only: pure data.
import { z } from "zod";
import {
  bulkResultSchema,
  createUserResultSchema,
  deletedUserSchema,
  errorBodySchema,
  invitationDtoSchema,
  listUsersResultSchema,
  resendInvitationResultSchema,
  resetPasswordResultSchema,
  userDetailDtoSchema,
  userDtoSchema,
  bulkItemResultSchema,
  timelineResultSchema,
  userStatsSchema,
  apiKeyDtoSchema,
  apiKeyListSchema,
  createdApiKeySchema,
  auditEventDtoSchema,
  auditEventListSchema,
  overviewSchema,
} from "../validation/api";
import { listAuditEventsQuerySchema } from "../validation/audit";
import { createApiKeySchema } from "../validation/api-keys";
import { ERROR_HTTP_STATUS, EXPORT_FORMATS, SCOPES, type ErrorCode, type Scope } from "../validation/enums";
import {
  bulkChangeRoleSchema,
  bulkTargetsSchema,
  changeOwnPasswordSchema,
  changeRoleSchema,
  createUserSchema,
  exportUsersQuerySchema,
  inviteUsersSchema,
  listUsersQuerySchema,
  patchUserSchema,
  resetPasswordSchema,
  setPasswordSchema,
  updateUserSchema,
} from "../validation/users";

type JsonSchema = Record<string, unknown>;

const REQUESTS = {
  CreateUser: createUserSchema,
  InviteUsers: inviteUsersSchema,
  PatchUser: patchUserSchema,
  BulkTargets: bulkTargetsSchema,
  SetPassword: setPasswordSchema,
  ResetPassword: resetPasswordSchema,
  UpdateProfile: updateUserSchema,
  ChangeRole: changeRoleSchema,
  BulkChangeRole: bulkChangeRoleSchema,
  ChangeOwnPassword: changeOwnPasswordSchema,
  CreateApiKey: createApiKeySchema,
} as const;

const RESPONSES = {
  Invitation: invitationDtoSchema,
  User: userDtoSchema,
  UserDetail: userDetailDtoSchema,
  UserList: listUsersResultSchema,
  CreateUserResult: createUserResultSchema,
  BulkItemResult: bulkItemResultSchema,
  BulkResult: bulkResultSchema,
  ResetPasswordResult: resetPasswordResultSchema,
  ResendInvitationResult: resendInvitationResultSchema,
  DeletedUser: deletedUserSchema,
  UserStats: userStatsSchema,
  Timeline: timelineResultSchema,
  ApiKey: apiKeyDtoSchema,
  ApiKeyList: apiKeyListSchema,
  CreatedApiKey: createdApiKeySchema,
  AuditEvent: auditEventDtoSchema,
  AuditEventList: auditEventListSchema,
  Overview: overviewSchema,
  Error: errorBodySchema,
} as const;

type SchemaId = keyof typeof REQUESTS | keyof typeof RESPONSES;

const ref = (id: SchemaId) => ({ $ref: `#/components/schemas/${id}` });

/** Component schemas of one direction (request bodies are read as input, answers as output). */
function components(schemas: Record<string, z.ZodType>, io: "input" | "output"): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const out = z.toJSONSchema(registry, {
    target: "draft-2020-12",
    io,
    unrepresentable: "any",
    uri: (id) => `#/components/schemas/${id}`,
  }).schemas as Record<string, JsonSchema>;
  for (const s of Object.values(out)) {
    delete s.$schema;
    delete s.$id;
  }
  return out;
}

/** Query parameters from an object schema's properties (repeatable when an array). */
function queryParameters(schema: z.ZodType, descriptions: Record<string, string> = {}) {
  const json = z.toJSONSchema(schema, { target: "draft-2020-12", io: "input", unrepresentable: "any" }) as {
    properties: Record<string, JsonSchema>;
  };
  return Object.entries(json.properties).map(([name, s]) => ({
    name,
    in: "query",
    required: false,
    ...(descriptions[name] ? { description: descriptions[name] } : {}),
    ...(s.type === "array" ? { style: "form", explode: true } : {}),
    schema: s,
  }));
}

const LIST_PARAMS = {
  q: "Search by name or email (substring from 3 characters, prefix below)",
  email: "Exact email (normalized)",
  status: "Repeatable: status=active&status=invited",
  role: "Repeatable: role=admin&role=manager",
  sort: "Sort key; a leading - sorts descending",
  limit: "Page size, 1 to 100 (clamped), default 50",
  cursor: "nextCursor or prevCursor of a previous page",
};

const AUDIT_PARAMS = {
  actor: "Who acted: a user id or an email",
  actorRole: "Events by people who hold this role now",
  target: "Whom it was done to: a user id or an email",
  action: "Repeatable: action=user.deleted&action=user.role_changed",
  outcome: "success or refused",
  from: "Start of the range (inclusive): a date (UTC) or an ISO instant",
  to: "End of the range (exclusive; a date includes that whole day)",
  limit: "Page size, 10 to 100 (clamped), default 50",
  cursor: "nextCursor or prevCursor of a previous page",
};

const idParam = (description: string) => ({
  name: "id",
  in: "path",
  required: true,
  description,
  schema: { type: "string", maxLength: 320 },
});

const errorResponse = (code: ErrorCode, description: string) => [
  String(ERROR_HTTP_STATUS[code]),
  { description, content: { "application/json": { schema: ref("Error") } } },
] as const;

const COMMON_ERRORS = [
  errorResponse("UNAUTHENTICATED", "UNAUTHENTICATED: no, unknown, revoked or expired key"),
  errorResponse("FORBIDDEN", "FORBIDDEN: the key's scopes or its owner's role do not allow this"),
  errorResponse("RATE_LIMITED", "RATE_LIMITED: over the key's budget; see Retry-After"),
  errorResponse("INTERNAL", "INTERNAL: logged with the request id the message names"),
];
const BODY_ERRORS = [
  errorResponse("VALIDATION", "VALIDATION: bad input; `fields` says which"),
  ["400", { description: "The body is not JSON, or is nested too deep", content: { "application/json": { schema: ref("Error") } } }],
  ["413", { description: "The body is over 1 MB", content: { "application/json": { schema: ref("Error") } } }],
] as const;
const TARGET_ERRORS = [errorResponse("NOT_FOUND", "NOT_FOUND: no such user in your organization")];
const INVARIANT_ERRORS = [
  errorResponse("CONFLICT", "CONFLICT (stale write, email taken, wrong state), LAST_ADMIN or SELF_ACTION"),
];

interface Op {
  method: "get" | "post" | "patch" | "put" | "delete";
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  scope: Scope;
  parameters?: unknown[];
  body?: SchemaId | { oneOf: SchemaId[] };
  bodyRequired?: boolean;
  ok: [status: number, schema: SchemaId | null, description: string];
  /** For a file (schema null): what one record of its JSON form is (User by default). */
  fileItem?: SchemaId;
  errors: (readonly [string, unknown])[];
  headers?: unknown[];
}

export const API_OPERATIONS: Op[] = [
  {
    method: "get", path: "/users", operationId: "listUsers", scope: "users:read",
    summary: "List users",
    description: "One page of the organization's users, filtered and sorted, with a keyset cursor.",
    parameters: queryParameters(listUsersQuerySchema, LIST_PARAMS),
    ok: [200, "UserList", "A page of users"],
    errors: [...COMMON_ERRORS, errorResponse("VALIDATION", "VALIDATION: a bad parameter or cursor")],
  },
  {
    method: "post", path: "/users", operationId: "createUsers", scope: "users:write",
    summary: "Create a user, or invite many",
    description:
      "A body with `email` creates one user: with a `password` (active at once) or by `inviteMode` " +
      "(`email_link`, the default; `temporary_password`, returned once; `none`, the link returned once). " +
      "A body with `emails` invites many and answers one outcome per email. Managers may grant member " +
      "and manager only. Send an `Idempotency-Key` header to make retries safe.",
    parameters: [
      {
        name: "Idempotency-Key",
        in: "header",
        required: false,
        description:
          "A unique key per request (1–255 printable ASCII). A retry with the same key and body answers the first " +
          "response (without one-time secrets) and creates nothing; the same key with another body is VALIDATION. Kept 24 hours.",
        schema: { type: "string", minLength: 1, maxLength: 255 },
      },
    ],
    body: { oneOf: ["CreateUser", "InviteUsers"] },
    bodyRequired: true,
    ok: [201, "CreateUserResult", "Created (an invite of many answers 200 with BulkResult)"],
    errors: [
      ["200", { description: "Invited many: one outcome per email", content: { "application/json": { schema: ref("BulkResult") } } }],
      ...COMMON_ERRORS, ...BODY_ERRORS, ...INVARIANT_ERRORS,
    ],
  },
  {
    method: "get", path: "/users/{id}", operationId: "getUser", scope: "users:read",
    summary: "Get a user by id or email",
    parameters: [idParam("A user id, or an email address")],
    ok: [200, "UserDetail", "The user"],
    errors: [...COMMON_ERRORS, ...TARGET_ERRORS],
  },
  {
    method: "patch", path: "/users/{id}", operationId: "updateUser", scope: "users:write",
    summary: "Edit a user's profile and/or role",
    description: "Send only what changes; `expectedVersion` (the user's `version`) turns a stale write into CONFLICT.",
    parameters: [idParam("A user id (or email)")],
    body: "PatchUser",
    bodyRequired: true,
    ok: [200, "User", "The updated user"],
    errors: [...COMMON_ERRORS, ...BODY_ERRORS, ...TARGET_ERRORS, ...INVARIANT_ERRORS],
  },
  {
    method: "delete", path: "/users/{id}", operationId: "deleteUser", scope: "users:delete",
    summary: "Delete a user",
    parameters: [idParam("A user id (or email)")],
    ok: [200, "DeletedUser", "Deleted"],
    errors: [...COMMON_ERRORS, ...TARGET_ERRORS, ...INVARIANT_ERRORS],
  },
  {
    method: "post", path: "/users/bulk-delete", operationId: "bulkDeleteUsers", scope: "users:delete",
    summary: "Delete many users",
    description: "One outcome per input, in input order (ids first, then emails); `dryRun` previews.",
    body: "BulkTargets",
    bodyRequired: true,
    ok: [200, "BulkResult", "One outcome per input"],
    errors: [...COMMON_ERRORS, ...BODY_ERRORS],
  },
  ...(
    [
      ["deactivate", "deactivateUser", "Deactivate a user (sessions end, API keys and invitations are revoked)", "User"],
      ["reactivate", "reactivateUser", "Reactivate a user", "User"],
      ["resend-invitation", "resendInvitation", "Send a fresh invitation (the previous link stops working)", "ResendInvitationResult"],
      ["sessions/revoke", "revokeSessions", "End every session of a user", "User"],
    ] as const
  ).map(
    ([action, operationId, summary, schema]): Op => ({
      method: "post", path: `/users/{id}/${action}`, operationId, summary, scope: "users:write",
      parameters: [idParam("A user id (or email)")],
      ok: [200, schema, "Done"],
      errors: [...COMMON_ERRORS, ...TARGET_ERRORS, ...INVARIANT_ERRORS],
    }),
  ),
  {
    method: "post", path: "/users/{id}/reset-password", operationId: "resetPassword", scope: "users:write",
    summary: "Reset a user's password",
    description: "Sessions end; the user gets an emailed single-use link (`email_link`) or a temporary password returned once.",
    parameters: [idParam("A user id (or email)")],
    body: "ResetPassword",
    ok: [200, "ResetPasswordResult", "Reset"],
    errors: [...COMMON_ERRORS, ...BODY_ERRORS, ...TARGET_ERRORS, ...INVARIANT_ERRORS],
  },
  {
    method: "put", path: "/users/{id}/password", operationId: "setPassword", scope: "users:write",
    summary: "Set a user's password",
    description: "With confirmation; `temporary: true` makes them change it at next sign-in. Their sessions end.",
    parameters: [idParam("A user id (or email)")],
    body: "SetPassword",
    bodyRequired: true,
    ok: [200, "User", "Set"],
    errors: [...COMMON_ERRORS, ...BODY_ERRORS, ...TARGET_ERRORS, ...INVARIANT_ERRORS],
  },
  {
    method: "get", path: "/users/export", operationId: "exportUsers", scope: "users:read",
    summary: "Export users (streamed)",
    description: "Every user matching the list's filters, as CSV (with a BOM; formula cells neutralized), a JSON array or NDJSON.",
    parameters: [
      { name: "format", in: "query", required: false, schema: { type: "string", enum: [...EXPORT_FORMATS], default: "csv" } },
      ...queryParameters(exportUsersQuerySchema, LIST_PARAMS),
    ],
    ok: [200, null, "The file, streamed"],
    errors: [...COMMON_ERRORS, errorResponse("VALIDATION", "VALIDATION: a bad format or filter")],
  },
  // The operations the console (lib/user-api over HTTP) needs beyond the list above; open to
  // API keys too, except the caller's own password.
  {
    method: "get", path: "/users/stats", operationId: "userStats", scope: "users:read",
    summary: "Count users by status and by role",
    description: "The organization's users by status and role; estimates (`exact: false`) past 50,000 users.",
    ok: [200, "UserStats", "The counts"],
    errors: [...COMMON_ERRORS],
  },
  {
    method: "get", path: "/audit-events", operationId: "listAuditEvents", scope: "audit:read",
    summary: "List audit events",
    description:
      "One page of the organization's audit log, newest first: every change and every refused attempt. " +
      "Admins and auditors only; a keyset cursor pages in either direction.",
    parameters: queryParameters(listAuditEventsQuerySchema, AUDIT_PARAMS),
    ok: [200, "AuditEventList", "A page of audit events"],
    errors: [...COMMON_ERRORS, errorResponse("VALIDATION", "VALIDATION: a bad filter, range or cursor")],
  },
  {
    method: "get", path: "/audit-events/export", operationId: "exportAuditEvents", scope: "audit:read",
    summary: "Export audit events (streamed)",
    description:
      "Every audit event matching the list's filters, newest first, as CSV (with a BOM; formula cells " +
      "neutralized), a JSON array or NDJSON. Audited as audit.exported.",
    parameters: [
      { name: "format", in: "query", required: false, schema: { type: "string", enum: [...EXPORT_FORMATS], default: "csv" } },
      ...queryParameters(listAuditEventsQuerySchema, AUDIT_PARAMS).filter((p) => p.name !== "limit" && p.name !== "cursor"),
    ],
    ok: [200, null, "The file, streamed"],
    fileItem: "AuditEvent",
    errors: [...COMMON_ERRORS, errorResponse("VALIDATION", "VALIDATION: a bad format or filter")],
  },
  {
    method: "get", path: "/overview", operationId: "overview", scope: "users:read",
    summary: "The organization at a glance",
    description:
      "User counts by status and role, pending and expired invitations (the oldest named), active people who " +
      "never signed in or not in 90 days, each with the GET /users filter that lists them; and the admins' " +
      "latest activity when the caller may read the audit log (null otherwise).",
    ok: [200, "Overview", "The figures"],
    errors: [...COMMON_ERRORS],
  },
  {
    method: "get", path: "/users/{id}/timeline", operationId: "userTimeline", scope: "audit:read",
    summary: "A user's audit timeline",
    description: "What was done to the user, by whom and when, newest first.",
    parameters: [
      idParam("A user id, or an email address"),
      { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 100, default: 20 } },
    ],
    ok: [200, "Timeline", "Audit events, newest first"],
    errors: [...COMMON_ERRORS, ...TARGET_ERRORS, errorResponse("VALIDATION", "VALIDATION: a bad limit")],
  },
  {
    method: "patch", path: "/users/{id}/profile", operationId: "updateUserProfile", scope: "users:write",
    summary: "Edit a user's profile only",
    description: "Like PATCH /users/{id} without `role` (a `role` field is refused as unknown): what the console's drawer sends.",
    parameters: [idParam("A user id (or email)")],
    body: "UpdateProfile",
    bodyRequired: true,
    ok: [200, "User", "The updated user"],
    errors: [...COMMON_ERRORS, ...BODY_ERRORS, ...TARGET_ERRORS, ...INVARIANT_ERRORS],
  },
  {
    method: "put", path: "/users/{id}/role", operationId: "changeUserRole", scope: "users:write",
    summary: "Change a user's role",
    description: "Never your own, never above your own, never the last active admin; `expectedVersion` detects a stale write.",
    parameters: [idParam("A user id (or email)")],
    body: "ChangeRole",
    bodyRequired: true,
    ok: [200, "User", "The user with the new role"],
    errors: [...COMMON_ERRORS, ...BODY_ERRORS, ...TARGET_ERRORS, ...INVARIANT_ERRORS],
  },
  {
    method: "post", path: "/users/invite", operationId: "inviteUsers", scope: "users:write",
    summary: "Invite many users",
    description: "Like POST /users with `emails`, never read as a create. One outcome per email, in input order. Honours `Idempotency-Key`.",
    body: "InviteUsers",
    bodyRequired: true,
    ok: [200, "BulkResult", "One outcome per email"],
    errors: [...COMMON_ERRORS, ...BODY_ERRORS],
  },
  {
    method: "post", path: "/users/{id}/invitation-link", operationId: "copyInvitationLink", scope: "users:write",
    summary: "A fresh invitation link to hand over (no email)",
    description: "Issues a new link (the previous one stops working) and returns it once as `invitationLink`.",
    parameters: [idParam("A user id (or email)")],
    ok: [200, "ResendInvitationResult", "The user and the link"],
    errors: [...COMMON_ERRORS, ...TARGET_ERRORS, ...INVARIANT_ERRORS],
  },
  {
    method: "post", path: "/users/{id}/revoke-invitation", operationId: "revokeInvitation", scope: "users:write",
    summary: "Revoke a user's pending invitation",
    parameters: [idParam("A user id (or email)")],
    ok: [200, "User", "The user (still invited; resend to issue a new link)"],
    errors: [...COMMON_ERRORS, ...TARGET_ERRORS, ...INVARIANT_ERRORS],
  },
  {
    method: "post", path: "/users/bulk-deactivate", operationId: "bulkDeactivateUsers", scope: "users:write",
    summary: "Deactivate many users",
    description: "One outcome per input, in input order (ids first, then emails); `dryRun` previews.",
    body: "BulkTargets",
    bodyRequired: true,
    ok: [200, "BulkResult", "One outcome per input"],
    errors: [...COMMON_ERRORS, ...BODY_ERRORS],
  },
  {
    method: "post", path: "/users/bulk-change-role", operationId: "bulkChangeUserRoles", scope: "users:write",
    summary: "Change the role of many users",
    description: "One outcome per input, in input order (ids first, then emails); `dryRun` previews.",
    body: "BulkChangeRole",
    bodyRequired: true,
    ok: [200, "BulkResult", "One outcome per input"],
    errors: [...COMMON_ERRORS, ...BODY_ERRORS],
  },
  {
    method: "put", path: "/me/password", operationId: "changeOwnPassword", scope: "users:write",
    summary: "Change your own password",
    description: "For a signed-in person (the console's actor token); the current password is required. An API key is FORBIDDEN.",
    body: "ChangeOwnPassword",
    bodyRequired: true,
    ok: [200, "User", "Changed"],
    errors: [...COMMON_ERRORS, ...BODY_ERRORS],
  },
  {
    method: "get", path: "/api-keys", operationId: "listApiKeys", scope: "users:read",
    summary: "List your own API keys",
    description: "For a signed-in person (the console's actor token): an API key cannot list keys (FORBIDDEN). Never a secret.",
    ok: [200, "ApiKeyList", "Your keys, newest first"],
    errors: [...COMMON_ERRORS],
  },
  {
    method: "post", path: "/api-keys", operationId: "createApiKey", scope: "users:write",
    summary: "Mint an API key",
    description: "Scopes within your role, an optional expiry in days. The full key is answered once. Not open to API keys (keys cannot mint keys).",
    body: "CreateApiKey",
    bodyRequired: true,
    ok: [201, "CreatedApiKey", "The key and its token (shown once)"],
    errors: [...COMMON_ERRORS, ...BODY_ERRORS],
  },
  {
    method: "delete", path: "/api-keys/{id}", operationId: "revokeApiKey", scope: "users:write",
    summary: "Revoke one of your API keys",
    description: "It stops working at once and stays listed as revoked. Not open to API keys.",
    parameters: [{ name: "id", in: "path", required: true, description: "The key's id", schema: { type: "string" } }],
    ok: [200, "ApiKey", "The revoked key"],
    errors: [...COMMON_ERRORS, errorResponse("NOT_FOUND", "NOT_FOUND: no such key of yours")],
  },
];

const REQUEST_ID = {
  "X-Request-Id": {
    description: "The request's id (yours, when you sent a plain one); errors name it too",
    schema: { type: "string" },
  },
};

function operation(op: Op) {
  const [status, schema, description] = op.ok;
  const okContent =
    schema === null
      ? {
          "text/csv": { schema: { type: "string" } },
          "application/json": { schema: { type: "array", items: ref(op.fileItem ?? "User") } },
          "application/x-ndjson": { schema: { type: "string" } },
        }
      : { "application/json": { schema: ref(schema) } };
  const body = op.body
    ? {
        requestBody: {
          required: op.bodyRequired ?? false,
          content: {
            "application/json": {
              schema: typeof op.body === "string" ? ref(op.body) : { oneOf: op.body.oneOf.map(ref) },
            },
          },
        },
      }
    : {};
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: ["users"],
    security: [{ apiKey: [] }],
    "x-required-scope": op.scope,
    ...(op.parameters?.length ? { parameters: op.parameters } : {}),
    ...body,
    responses: {
      [String(status)]: { description, headers: REQUEST_ID, content: okContent },
      ...Object.fromEntries(op.errors),
    },
  };
}

let cached: Record<string, unknown> | undefined;

/** The OpenAPI 3.1 document of the REST API (built once per process). */
export function openApiDocument(): Record<string, unknown> {
  if (cached) return cached;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of API_OPERATIONS) (paths[op.path] ??= {})[op.method] = operation(op);
  cached = {
    openapi: "3.1.0",
    info: {
      title: "Roster user API",
      version: "1",
      description:
        "Manage an organization's users. Authenticate with `Authorization: Bearer <API key>`; a key acts " +
        "as its owner, within its scopes (" +
        SCOPES.join(", ") +
        "). Errors are `{ error: { code, message, fields?, requestId } }`. The console, when it runs as a " +
        "separate process, calls this API as the signed-in person with a short-lived signed actor token in the same header.",
    },
    servers: [{ url: "/api/v1" }],
    tags: [{ name: "users", description: "Users of your organization" }],
    paths,
    components: {
      securitySchemes: {
        apiKey: {
          type: "http",
          scheme: "bearer",
          description: "An API key from Settings → API keys (rk_…); per-key rate limit, 429 with Retry-After",
        },
      },
      schemas: { ...components(REQUESTS, "input"), ...components(RESPONSES, "output") },
    },
  };
  return cached;
}
