import type { Metadata } from "next";
import { redirect } from "next/navigation";
import type { SearchParams } from "nuqs/server";
import { AuditTable } from "@/components/audit/audit-table";
import { currentPrincipal } from "@/lib/auth/session";
import { userApi } from "@/lib/user-api";
import { RosterError } from "@/lib/users";
import { denial } from "@/lib/users/policy";
import { auditQueryOf, loadAuditSearchParams } from "@/lib/validation/audit-search-params";

export const metadata: Metadata = { title: "Audit log" };
export const dynamic = "force-dynamic";

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const principal = await currentPrincipal();
  if (!principal) redirect("/sign-in");
  // The page explains; the core refuses (and audits the refusal) whatever the page shows.
  const refused = denial({ role: principal.role }, "audit:read");
  if (refused) {
    return (
      <main>
        <h1 className="text-2xl font-semibold">No access to the audit log</h1>
        <p className="mt-3 max-w-prose text-neutral-700 dark:text-neutral-300">
          {refused}. Admins and auditors of your organization can read it.
        </p>
      </main>
    );
  }
  const params = await loadAuditSearchParams(searchParams);
  const api = userApi();
  const query = { ...auditQueryOf(params), limit: params.limit, cursor: params.cursor ?? undefined };
  const result = await api.auditEvents(principal, query).catch(async (err: unknown) => {
    if (!(err instanceof RosterError) || err.code !== "VALIDATION") throw err;
    // A stale cursor falls back to page 1; a filter the core refuses (a range the wrong way
    // round) shows its message over an unfiltered page.
    if (query.cursor) return api.auditEvents(principal, { ...query, cursor: undefined }).catch(() => null);
    return null;
  });
  return (
    <main>
      <h1 className="text-2xl font-semibold tracking-tight">Audit log</h1>
      <p className="mt-2 max-w-prose text-sm text-neutral-600 dark:text-neutral-400">
        Every change and every refused attempt in your organization, newest first. Times are UTC; the log
        cannot be edited or deleted by anyone.
      </p>
      {result ? (
        <AuditTable result={result} />
      ) : (
        <>
          <p role="alert" className="mt-6 rounded-md border border-amber-300 bg-amber-50 p-4 text-sm dark:border-amber-800 dark:bg-amber-950">
            These filters are not valid (check that the start date comes before the end date).
          </p>
          <AuditTable result={{ data: [], nextCursor: null, prevCursor: null, total: 0, totalExact: true }} />
        </>
      )}
    </main>
  );
}
