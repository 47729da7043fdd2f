// The look of a filter button, shared by the real popover trigger (filter-menu.tsx, loaded on
// first use) and the placeholder the users table renders until then.
export interface FilterMenuProps<T extends string> {
  label: string;
  options: readonly T[];
  labels: Record<T, string>;
  selected: readonly T[];
  onChange: (next: T[]) => void;
}

export const filterButton =
  "inline-flex items-center gap-2 rounded-md border border-neutral-300 px-3 py-1.5 text-sm hover:bg-neutral-100 dark:border-neutral-700 dark:hover:bg-neutral-800";

export function FilterCount({ n }: { n: number }) {
  return n > 0 ? <span aria-hidden="true" className="rounded bg-neutral-200 px-1.5 text-xs dark:bg-neutral-700">{n}</span> : null;
}
