"use client";

import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import { button } from "./styles";

const content = "z-50 rounded-md border border-neutral-200 bg-white p-1 shadow-lg dark:border-neutral-700 dark:bg-neutral-900";
const item = "rounded px-2 py-1 text-sm outline-none data-[highlighted]:bg-neutral-100 dark:data-[highlighted]:bg-neutral-800";

/** The column chooser (loaded on first use by the users table). */
export function ColumnsMenu({
  columns,
  onToggle,
  defaultOpen = false,
}: {
  columns: { id: string; label: string; visible: boolean }[];
  onToggle: (id: string, visible: boolean) => void;
  defaultOpen?: boolean;
}) {
  return (
    <DropdownMenu.Root defaultOpen={defaultOpen}>
      <DropdownMenu.Trigger className={button}>Columns</DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content align="end" sideOffset={4} className={`${content} min-w-44`}>
          {columns.map((c) => (
            <DropdownMenu.CheckboxItem
              key={c.id}
              checked={c.visible}
              onCheckedChange={(v) => onToggle(c.id, !!v)}
              onSelect={(e) => e.preventDefault()}
              className={`flex cursor-pointer items-center gap-2 ${item}`}
            >
              <span aria-hidden="true" className="w-4">{c.visible ? "✓" : ""}</span>
              {c.label}
            </DropdownMenu.CheckboxItem>
          ))}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

/** The export menu: the current filter as CSV, JSON or NDJSON (loaded on first use). */
export function ExportMenu({ hrefOf, defaultOpen = false }: { hrefOf: (format: string) => string; defaultOpen?: boolean }) {
  return (
    <DropdownMenu.Root defaultOpen={defaultOpen}>
      <DropdownMenu.Trigger className={button}>Export</DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content align="end" sideOffset={4} className={`${content} min-w-52`}>
          {(["csv", "json", "ndjson"] as const).map((f) => (
            <DropdownMenu.Item key={f} asChild>
              <a href={hrefOf(f)} download className={`block ${item}`}>
                {f === "csv" ? "CSV (spreadsheets)" : f === "json" ? "JSON" : "NDJSON (one user a line)"}
              </a>
            </DropdownMenu.Item>
          ))}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
