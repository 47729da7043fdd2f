// Button classes shared by the users page's controls and the lazily loaded dialogs and menus,
// kept apart so a placeholder trigger can look like the real one without importing it.
export const button =
  "rounded-md border border-neutral-300 px-3 py-1.5 text-sm hover:bg-neutral-100 disabled:cursor-not-allowed disabled:opacity-50 dark:border-neutral-700 dark:hover:bg-neutral-800";
export const primary =
  "rounded-md border border-neutral-900 bg-neutral-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-neutral-700 disabled:cursor-not-allowed disabled:opacity-60 dark:border-white dark:bg-white dark:text-neutral-900";
/** A row's role control (RoleCell's plain button and the RoleMenu it loads): text that is a control. */
export const roleTrigger =
  "inline-flex items-center gap-1 rounded border border-transparent px-1 py-0.5 text-left hover:border-neutral-300 aria-disabled:cursor-not-allowed aria-disabled:opacity-60 data-[state=open]:border-neutral-300 dark:hover:border-neutral-700";
