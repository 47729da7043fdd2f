"use client";

import { LazyOpen } from "@/components/ui/lazy";
import { can } from "@/lib/users/policy";
import type { Role } from "@/lib/validation/enums";
import { button, primary } from "./styles";

const loadInvite = () => import("./invite-users-dialog").then((m) => m.InviteUsersDialog);
const loadCreate = () => import("./create-user-dialog").then((m) => m.CreateUserDialog);

/**
 * The users page's "Invite users" and "Create user" dialogs, for those who may invite or create.
 * Each dialog (Radix Dialog, react-hook-form, zod) loads on first use: until then a plain button
 * with the same name stands in for its trigger; hovering or focusing it starts the download, and
 * the click opens the dialog as soon as it has arrived.
 */
export function UsersDialogs({ viewerRole }: { viewerRole: Role }) {
  if (!can({ role: viewerRole }, "users:create")) return null;
  return (
    <div className="flex gap-2">
      <LazyOpen
        importer={loadInvite}
        props={{ viewerRole }}
        placeholder={(t) => <button type="button" aria-haspopup="dialog" className={primary} {...t}>Invite users</button>}
      />
      <LazyOpen
        importer={loadCreate}
        props={{ viewerRole }}
        placeholder={(t) => <button type="button" aria-haspopup="dialog" className={button} {...t}>Create user</button>}
      />
    </div>
  );
}
