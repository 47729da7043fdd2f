"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { lazyComponent, useOpenedFor } from "@/components/ui/lazy";
import { useToast } from "@/components/ui/toaster";
import type { UserDTO } from "@/lib/users/types";
import type { Role } from "@/lib/validation/enums";
import { changeRoleAction } from "@/app/(console)/users/actions";
import { ROLE_LABELS, roleControlName } from "./format";
import { roleTrigger } from "./styles";

/** RoleMenu, loaded by the first row whose control is used. */
const roleMenu = lazyComponent(() => import("./role-menu").then((m) => m.RoleMenu));

/**
 * Inline role editing in a row: optimistic, rolled back with the server's reason on refusal.
 *
 * The control is a plain button showing the role until it is used; its menu (RoleMenu, Radix
 * DropdownMenu) loads then, opened. A native select in each of 50 rows cost a new result's
 * paint in Chromium ~20 ms (its layout, and React updating its options), for a control most
 * rows never use (bench/README.md, session 7).
 *
 * The table reuses a row's cells for whichever user comes to sit in its place (users-table.tsx).
 * So what this holds belongs to a user and version: the shown role starts over from the user's
 * own when either changes, a change on its way disables the control only while it shows that
 * user, and its outcome rolls back only that version. The loaded menu belongs to the user it
 * was opened for: a row that now shows another user shows the plain button again.
 */
export function RoleCell({ user }: { user: UserDTO }) {
  const of = `${user.id}:${user.version}`;
  const [shown, setShown] = useState<{ role: Role; of: string }>({ role: user.role, of });
  if (shown.of !== of) setShown({ role: user.role, of });
  const role = shown.of === of ? shown.role : user.role;
  const [pending, startTransition] = useTransition();
  const [changing, setChanging] = useState<string | null>(null);
  /** Whether this place has loaded (and opened) the menu for this user. */
  const [opened, markOpened] = useOpenedFor(user.id);
  const toast = useToast();
  const router = useRouter();
  const disabled = pending && changing === user.id;
  const change = (next: Role) => {
    if (next === role) return;
    const previous = role;
    setShown({ role: next, of });
    setChanging(user.id);
    startTransition(async () => {
      const r = await changeRoleAction(user.id, { role: next, expectedVersion: user.version });
      if (!r.ok) {
        // Rolled back only while the control still shows this user at this version.
        setShown((s) => (s.of === of ? { role: previous, of } : s));
        toast({ tone: "error", message: r.error.message });
      } else {
        toast({ tone: "success", message: `${user.email} is now ${ROLE_LABELS[next].toLowerCase()}` });
      }
      router.refresh();
    });
  };
  // The menu is shown for the user it was opened for; any other user in this place gets the
  // plain control (nothing is mounted per user: the row's elements are reused).
  const menu = opened ? roleMenu.element({ email: user.email, value: role, disabled, onChange: change, defaultOpen: true }) : null;
  if (menu) return menu;
  const open = () => {
    if (disabled) return;
    roleMenu.load().then(() => markOpened(), () => {});
  };
  return (
    <button
      type="button"
      aria-label={roleControlName(user.email, role)}
      aria-haspopup="menu"
      aria-expanded={false}
      aria-disabled={disabled || undefined}
      className={roleTrigger}
      onPointerEnter={preload}
      onFocus={preload}
      onClick={open}
      // The key that opens a menu button besides Enter and Space (a click), as RoleMenu's does.
      onKeyDown={(e) => {
        if (e.key === "ArrowDown") {
          e.preventDefault();
          open();
        }
      }}
    >
      {ROLE_LABELS[role]}
      <span aria-hidden="true" className="text-xs text-neutral-500">▾</span>
    </button>
  );
}

const preload = () => void roleMenu.load().catch(() => {});
