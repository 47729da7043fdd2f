import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/session";
import { checkHealth } from "@/lib/health";

export const metadata: Metadata = { title: "Overview" };
export const dynamic = "force-dynamic";

export default async function OverviewPage() {
  const [user, health] = await Promise.all([requireUser(), checkHealth()]);
  return (
    <main>
      <h1 className="text-2xl font-semibold tracking-tight">Overview</h1>
      <p className="mt-2 text-neutral-600 dark:text-neutral-400">
        {user.orgName}: you are signed in as {user.email} ({user.role}).
      </p>
      <section aria-labelledby="status-heading" className="mt-8 max-w-md rounded-lg border border-neutral-200 p-5 dark:border-neutral-800">
        <h2 id="status-heading" className="text-lg font-medium">System status</h2>
        <dl className="mt-3 grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2 text-sm">
          <dt className="text-neutral-600 dark:text-neutral-400">Database</dt>
          <dd>{health.ok ? (health.database === "pglite" ? "Embedded (PGlite)" : "PostgreSQL") : (health.error ?? "Unavailable")}</dd>
          <dt className="text-neutral-600 dark:text-neutral-400">Schema migrations applied</dt>
          <dd>{health.migrations}</dd>
        </dl>
      </section>
    </main>
  );
}
