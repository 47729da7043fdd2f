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
 * The table reuses a row's cells for whichever user comes to sit in its place (users-table.tsx:
 * a new select for each of 50 rows was most of a new page's render). So what this holds belongs
 * to a user and version: the shown role starts over from the user's own when either changes, a
 * change on its way disables the select only while it shows that user, and its outcome rolls
 * back only that version. (A select being changed is disabled, which takes its focus, until the
 * refresh after the change has brought the new rows: keys meant for the changed user never
 * reach the user who takes its place.)
 */
export function RoleCell({ user }: { user: UserDTO }) {
  const of = `${user.id}:${user.version}`;
  const [shown, setShown] = useState<{ role: Role; of: string }>({ role: user.role, of });
  if (shown.of !== of) setShown({ role: user.role, of });
  const role = shown.of === of ? shown.role : user.role;
  const [pending, startTransition] = useTransition();
  const [changing, setChanging] = useState<string | null>(null);
  const toast = useToast();
  const router = useRouter();
  return (
    <select
      aria-label={`Role for ${user.email}`}
      value={role}
      disabled={pending && changing === user.id}
      onChange={(e) => {
        const next = e.target.value as Role;
        const previous = role;
        setShown({ role: next, of });
        setChanging(user.id);
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
