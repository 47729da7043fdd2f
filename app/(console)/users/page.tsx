import type { Metadata } from "next";
import { redirect } from "next/navigation";
import type { SearchParams } from "nuqs/server";
import { UsersStats } from "@/components/users/users-stats";
import { UsersTable } from "@/components/users/users-table";
import { currentPrincipal } from "@/lib/auth/session";
import { getUsersCore, RosterError } from "@/lib/users";
import { loadUsersSearchParams } from "@/lib/validation/users-search-params";

export const metadata: Metadata = { title: "Users" };
export const dynamic = "force-dynamic";

export default async function UsersPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const principal = await currentPrincipal();
  if (!principal) redirect("/sign-in");
  const params = await loadUsersSearchParams(searchParams);
  const core = await getUsersCore();
  const query = {
    q: params.q || undefined,
    status: params.status,
    role: params.role,
    sort: params.sort,
    limit: params.limit,
    cursor: params.cursor ?? undefined,
  };
  // A cursor that no longer means anything (tampered, or from another sort) falls back to page 1.
  const result = await core.list(principal, query).catch((err: unknown) => {
    if (err instanceof RosterError && err.code === "VALIDATION" && query.cursor) {
      return core.list(principal, { ...query, cursor: undefined });
    }
    throw err;
  });
  const stats = await core.stats(principal);
  return (
    <main>
      <h1 className="text-2xl font-semibold tracking-tight">Users</h1>
      <UsersStats stats={stats} />
      <UsersTable result={result} />
    </main>
  );
}
