"use client";

/**
 * "The users could not be loaded": the users page's error state (error.tsx, a server render
 * that failed) and the table's (a rows request that failed), with what went wrong and a retry.
 */
export function UsersLoadError({ detail, onRetry }: { detail: string; onRetry: () => void }) {
  return (
    <div role="alert" className="mt-6 rounded-lg border border-red-200 bg-red-50 p-6 dark:border-red-900 dark:bg-red-950">
      <p className="font-medium">The users could not be loaded.</p>
      <p className="mt-1 text-sm">{detail} Nothing was changed.</p>
      <button type="button" onClick={onRetry} className="mt-4 rounded-md border border-neutral-300 px-3 py-1.5 text-sm hover:bg-white dark:border-neutral-700 dark:hover:bg-neutral-900">
        Try again
      </button>
    </div>
  );
}
