import { checkHealth } from "@/lib/health";

export const dynamic = "force-dynamic";

export default async function Home() {
  const health = await checkHealth();
  return (
    <main className="mx-auto max-w-2xl px-6 py-16">
      <h1 className="text-3xl font-semibold tracking-tight">Roster</h1>
      <p className="mt-3 text-neutral-600 dark:text-neutral-400">
        Manage your organization&apos;s users: invitations, roles, access and audit.
      </p>
      <section aria-labelledby="status-heading" className="mt-10 rounded-lg border border-neutral-200 p-5 dark:border-neutral-800">
        <h2 id="status-heading" className="text-lg font-medium">
          System status
        </h2>
        <dl className="mt-3 grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2 text-sm">
          <dt className="text-neutral-600 dark:text-neutral-400">Database</dt>
          <dd>
            {health.ok
              ? health.database === "pglite"
                ? "Embedded (PGlite)"
                : "PostgreSQL"
              : (health.error ?? "Unavailable")}
          </dd>
          <dt className="text-neutral-600 dark:text-neutral-400">Schema migrations applied</dt>
          <dd>{health.migrations}</dd>
        </dl>
      </section>
    </main>
  );
}
