"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition, type ComponentType } from "react";
import { useToast } from "@/components/ui/toaster";
import type { UserDTO } from "@/lib/users/types";
import type { Role } from "@/lib/validation/enums";
import { changeRoleAction } from "@/app/(console)/users/actions";
import { ROLE_LABELS, roleControlName } from "./format";
import type { RoleMenuProps } from "./role-menu";
import { roleTrigger } from "./styles";

/** RoleMenu, once loaded (the first row whose control is used loads it for all). */
let roleMenu: ComponentType<RoleMenuProps> | null = null;
let loading: Promise<ComponentType<RoleMenuProps>> | null = null;
const loadRoleMenu = () =>
  (loading ??= import("./role-menu").then(
    (m) => (roleMenu = m.RoleMenu),
    (err: unknown) => {
      loading = null; // a failed load (the network) is tried again by the next use
      throw err;
    },
  ));

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
  /** The user whose menu this place has loaded (and opened). */
  const [active, setActive] = useState<string | null>(null);
  if (active !== null && active !== user.id) setActive(null);
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
  const Loaded = active === user.id ? roleMenu : null;
  if (Loaded) return <Loaded email={user.email} value={role} disabled={disabled} onChange={change} defaultOpen />;
  const open = () => {
    if (disabled) return;
    loadRoleMenu().then(() => setActive(user.id), () => {});
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

const preload = () => void loadRoleMenu().catch(() => {});
