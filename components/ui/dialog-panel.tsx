"use client";

import * as Dialog from "@radix-ui/react-dialog";
import type { ComponentPropsWithoutRef, ReactNode } from "react";

const WIDTHS = { md: "w-[40rem]", lg: "w-[44rem]", xl: "w-[52rem]" } as const;

/**
 * A modal dialog's frame (Radix): the overlay, the centred panel, its title and its description
 * (the dialog's accessible name and description). Radix traps focus inside and returns it to
 * the trigger on close. Goes inside a `Dialog.Root`, after its trigger.
 */
export function DialogPanel({
  title,
  description,
  width = "md",
  children,
  ...content
}: {
  title: ReactNode;
  description: ReactNode;
  width?: keyof typeof WIDTHS;
  children: ReactNode;
} & Pick<ComponentPropsWithoutRef<typeof Dialog.Content>, "onEscapeKeyDown" | "onPointerDownOutside">) {
  return (
    <Dialog.Portal>
      <Dialog.Overlay className="fixed inset-0 z-40 bg-black/40" />
      <Dialog.Content
        {...content}
        className={`fixed left-1/2 top-1/2 z-50 max-h-[calc(100vh-2rem)] ${WIDTHS[width]} max-w-[calc(100vw-2rem)] -translate-x-1/2 -translate-y-1/2 overflow-y-auto rounded-lg bg-white p-6 shadow-xl dark:bg-neutral-900`}
      >
        <Dialog.Title className="text-lg font-semibold">{title}</Dialog.Title>
        <Dialog.Description asChild>
          <div className="mt-1 text-sm text-neutral-700 dark:text-neutral-300">{description}</div>
        </Dialog.Description>
        {children}
      </Dialog.Content>
    </Dialog.Portal>
  );
}
