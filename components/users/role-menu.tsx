"use client";

import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import { useEffect, useRef, useState } from "react";
import { ROLES, type Role } from "@/lib/validation/enums";
import { ROLE_LABELS, roleControlName } from "./format";
import { roleTrigger } from "./styles";

export interface RoleMenuProps {
  email: string;
  value: Role;
  /** A change is on its way: the menu does not open (the button keeps its focus). */
  disabled: boolean;
  onChange: (role: Role) => void;
  defaultOpen?: boolean;
}

const item =
  "flex cursor-pointer select-none items-center justify-between gap-3 rounded px-2 py-1 text-sm outline-none data-[highlighted]:bg-neutral-100 data-[state=checked]:font-medium dark:data-[highlighted]:bg-neutral-800";

/**
 * A row's role control once it is used (RoleCell loads it on first use; until then the row shows
 * a plain button named and looking like this trigger): a menu button whose menu holds the roles
 * as radio items (Radix DropdownMenu): the arrow keys, typeahead, Enter and Escape, focus back on
 * the button. It opens on the current role, as a select does. Not modal, like the row's actions
 * menu: a modal one hides the rest of the page from assistive technology while its buttons stay
 * focusable. While a change is on its way the button is aria-disabled rather than disabled: a
 * disabled button cannot take back the focus the closing menu returns to it.
 */
export function RoleMenu({ email, value, disabled, onChange, defaultOpen = false }: RoleMenuProps) {
  const [open, setOpen] = useState(defaultOpen);
  // Opened on the current role: once the menu has focused itself (Radix, on mount), its checked
  // item takes the focus, as a select's would.
  const content = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const frame = requestAnimationFrame(() =>
      content.current?.querySelector<HTMLElement>('[role="menuitemradio"][aria-checked="true"]')?.focus(),
    );
    return () => cancelAnimationFrame(frame);
  }, [open]);
  return (
    // React events bubble out of the portal along the component tree: without this, choosing a
    // role would reach the row and open the user's drawer too.
    <span className="contents" onClick={(e) => e.stopPropagation()}>
      <DropdownMenu.Root modal={false} open={open} onOpenChange={(next) => setOpen(next && !disabled)}>
        <DropdownMenu.Trigger aria-label={roleControlName(email, value)} aria-disabled={disabled || undefined} className={roleTrigger}>
          {ROLE_LABELS[value]}
          <span aria-hidden="true" className="text-xs text-neutral-500">▾</span>
        </DropdownMenu.Trigger>
        <DropdownMenu.Portal>
          <DropdownMenu.Content
            align="start"
            sideOffset={4}
            ref={content}
            aria-label={`Role for ${email}`}
            className="z-50 min-w-36 rounded-md border border-neutral-200 bg-white p-1 shadow-lg dark:border-neutral-700 dark:bg-neutral-900"
          >
            <DropdownMenu.RadioGroup value={value} onValueChange={(v) => !disabled && onChange(v as Role)}>
              {ROLES.map((r) => (
                <DropdownMenu.RadioItem key={r} value={r} className={item}>
                  {ROLE_LABELS[r]}
                  <DropdownMenu.ItemIndicator aria-hidden="true">✓</DropdownMenu.ItemIndicator>
                </DropdownMenu.RadioItem>
              ))}
            </DropdownMenu.RadioGroup>
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>
    </span>
  );
}
