"use client";

export default function AuditError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main>
      <h1 className="text-2xl font-semibold tracking-tight">Audit log</h1>
      <div role="alert" className="mt-6 rounded-lg border border-red-200 bg-red-50 p-6 dark:border-red-900 dark:bg-red-950">
        <p className="font-medium">The audit log could not be loaded.</p>
        <p className="mt-1 text-sm">
          Something went wrong on our side{error.digest ? ` (reference ${error.digest})` : ""}. Nothing was changed.
        </p>
        <button type="button" onClick={reset} className="mt-4 rounded-md border border-neutral-300 px-3 py-1.5 text-sm hover:bg-white dark:border-neutral-700 dark:hover:bg-neutral-900">
          Try again
        </button>
      </div>
    </main>
  );
}
