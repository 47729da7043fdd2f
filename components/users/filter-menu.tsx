"use client";

import * as Popover from "@radix-ui/react-popover";
import { filterButton, FilterCount, type FilterMenuProps } from "./filter-button";

/** A filter button ("Status", "Role") opening a list of checkboxes; several may be chosen. */
export function FilterMenu<T extends string>({ label, options, labels, selected, onChange, defaultOpen = false }: FilterMenuProps<T> & { defaultOpen?: boolean }) {
  return (
    <Popover.Root defaultOpen={defaultOpen}>
      <Popover.Trigger className={filterButton} aria-label={label}>
        {label}
        <FilterCount n={selected.length} />
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          align="start"
          sideOffset={4}
          aria-label={`${label} filter`}
          className="z-50 min-w-44 rounded-md border border-neutral-200 bg-white p-2 shadow-lg dark:border-neutral-700 dark:bg-neutral-900"
        >
          <fieldset>
            <legend className="px-2 pb-1 text-xs font-medium text-neutral-600 dark:text-neutral-400">{label}</legend>
            {options.map((o) => {
              const checked = selected.includes(o);
              return (
                <label key={o} className="flex cursor-pointer items-center gap-2 rounded px-2 py-1 text-sm hover:bg-neutral-100 dark:hover:bg-neutral-800">
                  <input
                    type="checkbox"
                    checked={checked}
                    onChange={() => onChange(checked ? selected.filter((s) => s !== o) : [...selected, o])}
                  />
                  {labels[o]}
                </label>
              );
            })}
          </fieldset>
          {selected.length > 0 ? (
            <button type="button" onClick={() => onChange([])} className="mt-1 w-full rounded px-2 py-1 text-left text-sm text-neutral-700 hover:bg-neutral-100 dark:text-neutral-300 dark:hover:bg-neutral-800">
              Clear {label.toLowerCase()} filter
            </button>
          ) : null}
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
