import type { BulkOutcome, ErrorCode, Role, Scope, Status } from "../validation/enums";

/**
 * Who is calling: resolved by the door (session or API key) and re-checked by the core against
 * the database on every mutation, so a demoted or deactivated caller is stopped at once.
 */
export interface Principal {
  kind: "session" | "api_key";
  userId: string;
  orgId: string;
  email: string;
  role: Role;
  /** Sessions carry the version they were issued at; a bump ends them. */
  sessionVersion?: number;
  /** API keys: the scopes granted; the effective rights are role ∩ scopes. */
  scopes?: readonly Scope[];
  apiKeyId?: string;
  /** The key's visible prefix, for logs (never the secret). */
  apiKeyPrefix?: string;
  ip?: string | null;
  userAgent?: string | null;
}

export type InvitationState = "pending" | "expired" | "accepted" | "revoked";

export interface InvitationDTO {
  state: InvitationState;
  createdAt: string;
  sentAt: string | null;
  expiresAt: string;
  acceptedAt: string | null;
  revokedAt: string | null;
}

/** What leaves the core about a user: never a hash, token or session version. */
export interface UserDTO {
  id: string;
  email: string;
  name: string;
  role: Role;
  status: Status;
  isDeveloper: boolean;
  mustChangePassword: boolean;
  hasPassword: boolean;
  login: string | null;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  phone: string | null;
  address: string | null;
  postalCode: string | null;
  city: string | null;
  state: string | null;
  country: string | null;
  lastLoginAt: string | null;
  invitedBy: string | null;
  createdAt: string;
  updatedAt: string;
  deactivatedAt: string | null;
  /** Optimistic-concurrency token: send it back as expectedVersion to detect stale writes. */
  version: number;
  invitation: InvitationDTO | null;
}

export interface UserDetailDTO extends UserDTO {
  invitedByUser: { id: string; email: string; name: string } | null;
  apiKeys: { active: number; lastUsedAt: string | null };
  /** The organization's only active admin: they cannot be demoted, deactivated or deleted. */
  isLastActiveAdmin: boolean;
}

export interface ListUsersResult {
  data: UserDTO[];
  nextCursor: string | null;
  prevCursor: string | null;
  /** Exact when at most TOTAL_EXACT_LIMIT users match; otherwise the planner's estimate. */
  total: number;
  totalExact: boolean;
}

export interface BulkItemResult {
  input: string;
  userId?: string;
  email?: string;
  outcome: BulkOutcome;
  /** Why a row was not done: an error code, or DUPLICATE for a repeated input. */
  code?: ErrorCode | "DUPLICATE";
  message?: string;
  /** Invitations created with mode "none": the link to hand over. */
  invitationLink?: string;
  /** Accounts created with mode "temporary_password": shown once. */
  temporaryPassword?: string;
  /**
   * Dry runs of bulk delete, deactivate and change role: what goes with the user (active API keys
   * revoked or deleted, pending invitations revoked or deleted).
   */
  effects?: BulkEffects;
}

export interface BulkEffects {
  apiKeys: number;
  invitations: number;
}

export interface CreateUserResult {
  user: UserDTO;
  invitationLink?: string;
  temporaryPassword?: string;
}

export type ApiKeyState = "active" | "expired" | "revoked";

/** What leaves the core about an API key: never its secret or hash. */
export interface ApiKeyDTO {
  id: string;
  name: string;
  /** The visible start of the key, e.g. rk_1a2b3c4d5e6f. */
  prefix: string;
  scopes: Scope[];
  state: ApiKeyState;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface CreatedApiKey {
  key: ApiKeyDTO;
  /** The full key (`<prefix>_<secret>`): shown once, never stored. */
  token: string;
}
