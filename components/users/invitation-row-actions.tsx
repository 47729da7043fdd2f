"use client";

import * as AlertDialog from "@radix-ui/react-alert-dialog";
import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { useToast } from "@/components/ui/toaster";
import { canManageInvitation } from "./invitation-access";
import type { UserDTO } from "@/lib/users/types";
import type { Role } from "@/lib/validation/enums";
import { resendInvitationAction, revokeInvitationAction } from "@/app/(console)/users/actions";

const item =
  "cursor-pointer rounded px-2 py-1 text-sm outline-none data-[highlighted]:bg-neutral-100 dark:data-[highlighted]:bg-neutral-800";
const base = "rounded-md border px-3 py-1.5 text-sm disabled:cursor-not-allowed disabled:opacity-50";


/** A row's "Actions for <email>" menu for invited users: resend, or revoke (confirmed). */
export function InvitationRowActions({ user, viewerRole, defaultOpen = false }: { user: UserDTO; viewerRole: Role; defaultOpen?: boolean }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const toast = useToast();
  const router = useRouter();
  if (!canManageInvitation(viewerRole, user)) return null;

  const resend = async () => {
    const r = await resendInvitationAction(user.id);
    toast(r.ok ? { tone: "success", message: `Invitation sent to ${user.email}` } : { tone: "error", message: r.error.message });
    router.refresh();
  };
  const revoke = async () => {
    setBusy(true);
    try {
      const r = await revokeInvitationAction(user.id);
      toast(r.ok ? { tone: "success", message: `Invitation to ${user.email} revoked` } : { tone: "error", message: r.error.message });
      router.refresh();
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  return (
    // React events bubble out of portals along the component tree: without this, a click in the
    // menu or the confirmation would reach the row and open the user's drawer too.
    <span className="contents" onClick={(e) => e.stopPropagation()}>
      {/* Not modal: a modal menu handing focus to the confirmation dialog can leave the page inert. */}
      <DropdownMenu.Root modal={false} defaultOpen={defaultOpen}>
        <DropdownMenu.Trigger
          ref={trigger}
          aria-label={`Actions for ${user.email}`}
          className="rounded px-2 py-0.5 text-base leading-none hover:bg-neutral-200 dark:hover:bg-neutral-800"
        >
          <span aria-hidden="true">⋯</span>
        </DropdownMenu.Trigger>
        <DropdownMenu.Portal>
          <DropdownMenu.Content align="end" sideOffset={4} className="z-50 min-w-48 rounded-md border border-neutral-200 bg-white p-1 shadow-lg dark:border-neutral-700 dark:bg-neutral-900">
            <DropdownMenu.Item className={item} onSelect={() => void resend()}>Resend invitation</DropdownMenu.Item>
            {user.invitation?.state === "pending" ? (
              <DropdownMenu.Item className={item} onSelect={() => setConfirming(true)}>Revoke invitation</DropdownMenu.Item>
            ) : null}
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>
      <AlertDialog.Root open={confirming} onOpenChange={setConfirming}>
        <AlertDialog.Portal>
          <AlertDialog.Overlay className="fixed inset-0 z-50 bg-black/40" />
          <AlertDialog.Content
            onCloseAutoFocus={(e) => {
              e.preventDefault();
              trigger.current?.focus();
            }}
            className="fixed left-1/2 top-1/2 z-50 w-[28rem] max-w-[calc(100vw-2rem)] -translate-x-1/2 -translate-y-1/2 rounded-lg bg-white p-6 shadow-xl dark:bg-neutral-900"
          >
            <AlertDialog.Title className="text-lg font-semibold">Revoke the invitation to {user.email}?</AlertDialog.Title>
            <AlertDialog.Description className="mt-2 text-sm text-neutral-700 dark:text-neutral-300">
              The link they were sent stops working. You can send a new one later.
            </AlertDialog.Description>
            <div className="mt-6 flex justify-end gap-2">
              <AlertDialog.Cancel className={`${base} border-neutral-300 hover:bg-neutral-100 dark:border-neutral-700 dark:hover:bg-neutral-800`}>Cancel</AlertDialog.Cancel>
              <button type="button" disabled={busy} onClick={() => void revoke()} className={`${base} border-red-700 bg-red-700 text-white hover:bg-red-800`}>
                {busy ? "Working…" : "Revoke"}
              </button>
            </div>
          </AlertDialog.Content>
        </AlertDialog.Portal>
      </AlertDialog.Root>
    </span>
  );
}
