"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { useToast } from "@/components/ui/toaster";
import type { UserDTO } from "@/lib/users/types";
import { ROLES, type Role } from "@/lib/validation/enums";
import { changeRoleAction } from "@/app/(console)/users/actions";
import { ROLE_LABELS } from "./format";

/**
 * Inline role editing in a row: optimistic, rolled back with the server's reason on refusal.
 * The table keys it by user, and it starts over from the user's own role when their version
 * changes (the refresh after a change, or someone else's); a change's outcome only rolls back
 * the select while it still shows that version.
 */
export function RoleCell({ user }: { user: UserDTO }) {
  const of = `${user.id}:${user.version}`;
  const [shown, setShown] = useState<{ role: Role; of: string }>({ role: user.role, of });
  if (shown.of !== of) setShown({ role: user.role, of });
  const role = shown.of === of ? shown.role : user.role;
  const [pending, startTransition] = useTransition();
  const toast = useToast();
  const router = useRouter();
  return (
    <select
      aria-label={`Role for ${user.email}`}
      value={role}
      disabled={pending}
      onChange={(e) => {
        const next = e.target.value as Role;
        const previous = role;
        setShown({ role: next, of });
        startTransition(async () => {
          const r = await changeRoleAction(user.id, { role: next, expectedVersion: user.version });
          if (!r.ok) {
            // Rolled back only while the select still shows this user at this version.
            setShown((s) => (s.of === of ? { role: previous, of } : s));
            toast({ tone: "error", message: r.error.message });
          } else {
            toast({ tone: "success", message: `${user.email} is now ${ROLE_LABELS[next].toLowerCase()}` });
          }
          router.refresh();
        });
      }}
      className="rounded border border-transparent bg-transparent px-1 py-0.5 hover:border-neutral-300 disabled:opacity-60 dark:hover:border-neutral-700"
    >
      {ROLES.map((r) => <option key={r} value={r}>{ROLE_LABELS[r]}</option>)}
    </select>
  );
}
