/** A list page's loading state: its heading, a status for screen readers, and a pulsing toolbar and ten rows. */
export function TableLoading({ title, status }: { title: string; status: string }) {
  return (
    <main aria-busy="true">
      <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
      <p className="sr-only" role="status">{status}</p>
      <div className="mt-6 space-y-2" aria-hidden="true">
        <div className="h-8 w-96 animate-pulse rounded bg-neutral-200 dark:bg-neutral-800" />
        {Array.from({ length: 10 }, (_, i) => (
          <div key={i} className="h-9 animate-pulse rounded bg-neutral-100 dark:bg-neutral-900" />
        ))}
      </div>
    </main>
  );
}
