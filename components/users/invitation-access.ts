import { can, canManageInvitationOf } from "@/lib/users/policy";
import type { UserDTO } from "@/lib/users/types";
import type { Role } from "@/lib/validation/enums";

/** Whether the viewer may resend or revoke this user's invitation (the core decides again). */
export function canManageInvitation(viewerRole: Role, user: Pick<UserDTO, "status" | "role">): boolean {
  return user.status === "invited" && can({ role: viewerRole }, "invitations:manage") && canManageInvitationOf(viewerRole, user.role);
}
