// Who may do what to whom: the permission table of DESIGN.md, in one place. Pure functions,
// so the UI can ask the same questions to explain (not just hide) an unavailable control.
import type { Role, Scope } from "../validation/enums";

export type Permission =
  | "users:read"
  | "users:export"
  | "users:create"
  | "users:edit"
  | "users:change_role"
  | "users:reset_password"
  | "users:end_sessions"
  | "users:deactivate"
  | "users:reactivate"
  | "users:delete"
  | "invitations:manage"
  | "audit:read"
  | "api_keys:own";

const ALL_CONSOLE: readonly Role[] = ["admin", "manager", "auditor"];

/** Which roles hold each permission at all (target-specific limits are below). */
export const PERMISSIONS: Record<Permission, readonly Role[]> = {
  "users:read": ALL_CONSOLE,
  "users:export": ALL_CONSOLE,
  "users:create": ["admin", "manager"],
  "users:edit": ["admin", "manager"],
  "users:change_role": ["admin"],
  "users:reset_password": ["admin"],
  "users:end_sessions": ["admin"],
  "users:deactivate": ["admin"],
  "users:reactivate": ["admin"],
  "users:delete": ["admin"],
  "invitations:manage": ["admin", "manager"],
  "audit:read": ["admin", "auditor"],
  "api_keys:own": ALL_CONSOLE,
};

/** The API-key scope a permission needs when the caller is an API key. */
export const PERMISSION_SCOPE: Record<Permission, Scope | null> = {
  "users:read": "users:read",
  "users:export": "users:read",
  "users:create": "users:write",
  "users:edit": "users:write",
  "users:change_role": "users:write",
  "users:reset_password": "users:write",
  "users:end_sessions": "users:write",
  "users:deactivate": "users:write",
  "users:reactivate": "users:write",
  "users:delete": "users:delete",
  "invitations:manage": "users:write",
  "audit:read": "audit:read",
  "api_keys:own": null, // keys cannot mint keys
};

/** Roles each role may grant (invite, create, or change a user to). */
export const GRANTABLE_ROLES: Record<Role, readonly Role[]> = {
  admin: ["admin", "manager", "auditor", "member"],
  manager: ["manager", "member"],
  auditor: [],
  member: [],
};

/** Roles whose users a role may manage through invitations (resend, revoke, copy link). */
const INVITATION_TARGETS: Record<Role, readonly Role[]> = GRANTABLE_ROLES;

/** Roles whose name and profile a role may edit. */
const EDITABLE_TARGETS: Record<Role, readonly Role[]> = {
  admin: ["admin", "manager", "auditor", "member"],
  manager: ["member"],
  auditor: [],
  member: [],
};

/** Scopes an API key of a role may carry: never above what the role itself can do. */
export const ROLE_SCOPES: Record<Role, readonly Scope[]> = {
  admin: ["users:read", "users:write", "users:delete", "audit:read"],
  manager: ["users:read", "users:write"],
  auditor: ["users:read", "audit:read"],
  member: [],
};

export interface Caller {
  role: Role;
  /** Present for API keys: the key may do no more than its scopes allow. */
  scopes?: readonly Scope[];
}

/** Why a permission is missing, or null when the caller has it. */
export function denial(caller: Caller, permission: Permission): string | null {
  if (!PERMISSIONS[permission].includes(caller.role)) {
    return caller.role === "member"
      ? "Members have no access to the console"
      : `${capitalize(caller.role)}s cannot ${DESCRIPTIONS[permission]}`;
  }
  if (caller.scopes) {
    const scope = PERMISSION_SCOPE[permission];
    if (scope === null) return "API keys cannot do this";
    if (!caller.scopes.includes(scope)) return `This API key lacks the ${scope} scope`;
  }
  return null;
}

export function can(caller: Caller, permission: Permission): boolean {
  return denial(caller, permission) === null;
}

export function canGrant(role: Role, granted: Role): boolean {
  return GRANTABLE_ROLES[role].includes(granted);
}

export function canEditTarget(role: Role, targetRole: Role): boolean {
  return EDITABLE_TARGETS[role].includes(targetRole);
}

export function canManageInvitationOf(role: Role, targetRole: Role): boolean {
  return INVITATION_TARGETS[role].includes(targetRole);
}

export function scopesAllowed(role: Role, scopes: readonly Scope[]): boolean {
  return scopes.every((s) => ROLE_SCOPES[role].includes(s));
}

const DESCRIPTIONS: Record<Permission, string> = {
  "users:read": "view users",
  "users:export": "export users",
  "users:create": "invite or create users",
  "users:edit": "edit users",
  "users:change_role": "change roles",
  "users:reset_password": "reset passwords",
  "users:end_sessions": "end sessions",
  "users:deactivate": "deactivate users",
  "users:reactivate": "reactivate users",
  "users:delete": "delete users",
  "invitations:manage": "manage invitations",
  "audit:read": "read the audit log",
  "api_keys:own": "hold API keys",
};

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
