import type { UserDTO } from "@/lib/users/types";

/** A stable date (UTC, so server and browser render the same text). */
export function formatDate(iso: string | null): string {
  return iso ? iso.slice(0, 10) : "—";
}

export function formatTotal(total: number, exact: boolean): string {
  if (exact) return `${total.toLocaleString("en-US")} ${total === 1 ? "user" : "users"}`;
  if (total <= 10_000) return "1,000+ users";
  return `about ${total.toLocaleString("en-US")} users`;
}

export function statusLabel(user: Pick<UserDTO, "status" | "invitation">): string {
  if (user.status !== "invited") return user.status === "active" ? "Active" : "Deactivated";
  const state = user.invitation?.state;
  if (state === "expired") return "Invited · expired";
  if (state === "revoked") return "Invited · revoked";
  if (state === "pending") return "Invited · pending";
  return "Invited";
}

export const ROLE_LABELS = { admin: "Admin", manager: "Manager", auditor: "Auditor", member: "Member" } as const;

/** The name of a row's role control (role-cell.tsx): whose role, and what it is. */
export const roleControlName = (email: string, role: keyof typeof ROLE_LABELS) => `Role for ${email}: ${ROLE_LABELS[role]}`;
export const STATUS_LABELS = { active: "Active", invited: "Invited", deactivated: "Deactivated" } as const;
