"use client";

import { can } from "@/lib/users/policy";
import type { Role } from "@/lib/validation/enums";
import { CreateUserDialog } from "./create-user-dialog";
import { InviteUsersDialog } from "./invite-users-dialog";

/** The users page's "Invite users" and "Create user" dialogs, for those who may invite or create. */
export function UsersDialogs({ viewerRole }: { viewerRole: Role }) {
  if (!can({ role: viewerRole }, "users:create")) return null;
  return (
    <div className="flex gap-2">
      <InviteUsersDialog viewerRole={viewerRole} />
      <CreateUserDialog viewerRole={viewerRole} />
    </div>
  );
}
