"use client";

import * as AlertDialog from "@radix-ui/react-alert-dialog";
import { useState } from "react";

interface ConfirmButtonProps {
  label: string;
  title: string;
  description: React.ReactNode;
  confirmLabel: string;
  destructive?: boolean;
  disabled?: boolean;
  /** Why the button is disabled, read out with it. */
  disabledReason?: string;
  onConfirm: () => Promise<void>;
}

const base = "rounded-md border px-3 py-1.5 text-sm disabled:cursor-not-allowed disabled:opacity-50";

/** A button that asks before it acts: the dialog traps focus and returns it to the button. */
export function ConfirmButton({ label, title, description, confirmLabel, destructive, disabled, disabledReason, onConfirm }: ConfirmButtonProps) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const reasonId = disabledReason ? `reason-${label.replace(/\W+/g, "-").toLowerCase()}` : undefined;
  return (
    <AlertDialog.Root open={open} onOpenChange={setOpen}>
      <AlertDialog.Trigger
        disabled={disabled}
        aria-describedby={disabled ? reasonId : undefined}
        className={`${base} ${destructive ? "border-red-300 text-red-800 hover:bg-red-50 dark:border-red-800 dark:text-red-200 dark:hover:bg-red-950" : "border-neutral-300 hover:bg-neutral-100 dark:border-neutral-700 dark:hover:bg-neutral-800"}`}
      >
        {label}
      </AlertDialog.Trigger>
      {disabled && disabledReason ? <span id={reasonId} className="sr-only">{disabledReason}</span> : null}
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="fixed inset-0 z-50 bg-black/40" />
        <AlertDialog.Content className="fixed left-1/2 top-1/2 z-50 w-[28rem] max-w-[calc(100vw-2rem)] -translate-x-1/2 -translate-y-1/2 rounded-lg bg-white p-6 shadow-xl dark:bg-neutral-900">
          <AlertDialog.Title className="text-lg font-semibold">{title}</AlertDialog.Title>
          <AlertDialog.Description asChild>
            <div className="mt-2 text-sm text-neutral-700 dark:text-neutral-300">{description}</div>
          </AlertDialog.Description>
          <div className="mt-6 flex justify-end gap-2">
            <AlertDialog.Cancel className={`${base} border-neutral-300 hover:bg-neutral-100 dark:border-neutral-700 dark:hover:bg-neutral-800`}>Cancel</AlertDialog.Cancel>
            <button
              type="button"
              disabled={busy}
              onClick={async () => {
                setBusy(true);
                try {
                  await onConfirm();
                } finally {
                  setBusy(false);
                  setOpen(false);
                }
              }}
              className={`${base} ${destructive ? "border-red-700 bg-red-700 text-white hover:bg-red-800" : "border-neutral-900 bg-neutral-900 text-white hover:bg-neutral-700 dark:border-white dark:bg-white dark:text-neutral-900"}`}
            >
              {busy ? "Working…" : confirmLabel}
            </button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
