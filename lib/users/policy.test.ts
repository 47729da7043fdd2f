// The permission table of DESIGN.md, written out here by hand so that a change to policy.ts
// that drifts from the document fails a test.
import { describe, expect, it } from "vitest";
import { ROLES, SCOPES, type Role, type Scope } from "../validation/enums";
import {
  can,
  canEditTarget,
  canGrant,
  canManageInvitationOf,
  denial,
  PERMISSION_SCOPE,
  PERMISSIONS,
  ROLE_SCOPES,
  scopesAllowed,
  type Permission,
} from "./policy";

const Y = true;
const N = false;
//                                  admin manager auditor member
const TABLE: Record<Permission, [boolean, boolean, boolean, boolean]> = {
  "users:read": /*            */ [Y, Y, Y, N],
  "users:export": /*          */ [Y, Y, Y, N],
  "users:create": /*          */ [Y, Y, N, N],
  "users:edit": /*            */ [Y, Y, N, N],
  "users:change_role": /*     */ [Y, N, N, N],
  "users:reset_password": /*  */ [Y, N, N, N],
  "users:end_sessions": /*    */ [Y, N, N, N],
  "users:deactivate": /*      */ [Y, N, N, N],
  "users:reactivate": /*      */ [Y, N, N, N],
  "users:delete": /*          */ [Y, N, N, N],
  "invitations:manage": /*    */ [Y, Y, N, N],
  "audit:read": /*            */ [Y, N, Y, N],
  "api_keys:own": /*          */ [Y, Y, Y, N],
};
const ROLE_COLUMN: Record<Role, number> = { admin: 0, manager: 1, auditor: 2, member: 3 };
const ALL_PERMISSIONS = Object.keys(TABLE) as Permission[];

// The scope an API key needs for each permission (keys never manage keys).
const NEEDED_SCOPE: Record<Permission, Scope | null> = {
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
  "api_keys:own": null,
};

describe("the permission table (DESIGN.md)", () => {
  it("names every permission the policy knows, and no other", () => {
    expect(new Set(Object.keys(PERMISSIONS))).toEqual(new Set(ALL_PERMISSIONS));
  });

  for (const permission of ALL_PERMISSIONS) {
    for (const role of ROLES) {
      const allowed = TABLE[permission][ROLE_COLUMN[role]];
      it(`${role} ${allowed ? "may" : "may not"} ${permission}`, () => {
        expect(can({ role }, permission)).toBe(allowed);
        const reason = denial({ role }, permission);
        if (allowed) expect(reason).toBeNull();
        else expect(reason).toMatch(/\S/);
      });
    }
  }

  it("tells members they have no console access at all", () => {
    for (const permission of ALL_PERMISSIONS) {
      expect(denial({ role: "member" }, permission)).toBe("Members have no access to the console");
    }
  });

  it("explains a missing permission by role and action", () => {
    expect(denial({ role: "auditor" }, "users:delete")).toBe("Auditors cannot delete users");
    expect(denial({ role: "manager" }, "users:change_role")).toBe("Managers cannot change roles");
  });
});

describe("API keys: role ∩ scopes", () => {
  it("maps each permission to the scope DESIGN.md gives it", () => {
    expect(PERMISSION_SCOPE).toEqual(NEEDED_SCOPE);
  });

  for (const permission of ALL_PERMISSIONS) {
    for (const scope of SCOPES) {
      const expected = NEEDED_SCOPE[permission] === scope;
      it(`an admin key with only ${scope} ${expected ? "may" : "may not"} ${permission}`, () => {
        expect(can({ role: "admin", scopes: [scope] }, permission)).toBe(expected);
      });
    }
  }

  it("a key holding every scope still cannot manage keys", () => {
    expect(denial({ role: "admin", scopes: SCOPES }, "api_keys:own")).toBe("API keys cannot do this");
  });

  it("a key with no scopes can do nothing", () => {
    for (const permission of ALL_PERMISSIONS) expect(can({ role: "admin", scopes: [] }, permission)).toBe(false);
  });

  it("a scope never lifts the role: an auditor's key with users:write or users:delete is still read-only", () => {
    const key = { role: "auditor" as const, scopes: SCOPES };
    expect(can(key, "users:read")).toBe(true);
    expect(can(key, "audit:read")).toBe(true);
    for (const p of ["users:create", "users:edit", "users:delete", "users:change_role", "invitations:manage"] as const) {
      expect(can(key, p)).toBe(false);
    }
    expect(can({ role: "member", scopes: SCOPES }, "users:read")).toBe(false);
  });

  it("names the missing scope", () => {
    expect(denial({ role: "admin", scopes: ["users:read"] }, "users:delete")).toBe(
      "This API key lacks the users:delete scope",
    );
  });
});

describe("who may grant, edit and manage invitations of whom", () => {
  //                admin manager auditor member  (target / granted role)
  const GRANT: Record<Role, boolean[]> = {
    admin: [Y, Y, Y, Y],
    manager: [N, Y, N, Y],
    auditor: [N, N, N, N],
    member: [N, N, N, N],
  };
  const EDIT: Record<Role, boolean[]> = {
    admin: [Y, Y, Y, Y],
    manager: [N, N, N, Y],
    auditor: [N, N, N, N],
    member: [N, N, N, N],
  };

  for (const actor of ROLES) {
    for (const target of ROLES) {
      const col = ROLE_COLUMN[target];
      it(`${actor} → ${target}: grant ${GRANT[actor][col]}, edit ${EDIT[actor][col]}, invitations ${GRANT[actor][col]}`, () => {
        expect(canGrant(actor, target)).toBe(GRANT[actor][col]);
        expect(canEditTarget(actor, target)).toBe(EDIT[actor][col]);
        expect(canManageInvitationOf(actor, target)).toBe(GRANT[actor][col]);
      });
    }
  }

  it("nobody grants a role above their own", () => {
    const rank: Record<Role, number> = { member: 0, auditor: 1, manager: 1, admin: 2 };
    for (const actor of ROLES) {
      for (const target of ROLES) {
        if (canGrant(actor, target)) expect(rank[target]).toBeLessThanOrEqual(rank[actor]);
      }
    }
  });
});

describe("scopes a role's keys may carry", () => {
  it("matches the table: admins all, managers read/write, auditors read-only, members none", () => {
    expect(new Set(ROLE_SCOPES.admin)).toEqual(new Set(SCOPES));
    expect(new Set(ROLE_SCOPES.manager)).toEqual(new Set(["users:read", "users:write"]));
    expect(new Set(ROLE_SCOPES.auditor)).toEqual(new Set(["users:read", "audit:read"]));
    expect(ROLE_SCOPES.member).toEqual([]);
  });

  it("never holds a scope whose permissions the role itself lacks", () => {
    for (const role of ROLES) {
      for (const scope of ROLE_SCOPES[role]) {
        const served = ALL_PERMISSIONS.filter((p) => NEEDED_SCOPE[p] === scope);
        expect(served.some((p) => TABLE[p][ROLE_COLUMN[role]]), `${role} / ${scope}`).toBe(true);
      }
    }
  });

  it("scopesAllowed accepts subsets and refuses anything above the role", () => {
    expect(scopesAllowed("admin", ["users:delete", "audit:read"])).toBe(true);
    expect(scopesAllowed("manager", ["users:read", "users:write"])).toBe(true);
    expect(scopesAllowed("manager", ["users:delete"])).toBe(false);
    expect(scopesAllowed("manager", ["audit:read"])).toBe(false);
    expect(scopesAllowed("auditor", ["users:write"])).toBe(false);
    expect(scopesAllowed("auditor", ["audit:read"])).toBe(true);
    expect(scopesAllowed("member", ["users:read"])).toBe(false);
    expect(scopesAllowed("member", [])).toBe(true);
  });
});
