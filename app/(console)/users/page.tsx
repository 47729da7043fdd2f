import type { Metadata } from "next";
import { redirect } from "next/navigation";
import type { SearchParams } from "nuqs/server";
import { UsersStats } from "@/components/users/users-stats";
import { UsersTable } from "@/components/users/users-table";
import { currentPrincipal } from "@/lib/auth/session";
import { LazyUserDrawer } from "@/components/users/lazy-user-drawer";
import { UsersDialogs } from "@/components/users/users-dialogs";
import { can } from "@/lib/users/policy";
import { RosterError, type Principal } from "@/lib/users";
import { userApi } from "@/lib/user-api";
import { loadUsersSearchParams, usersListKey } from "@/lib/validation/users-search-params";
import { listUsersPage } from "./list-page";

export const metadata: Metadata = { title: "Users" };
export const dynamic = "force-dynamic";

export default async function UsersPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const principal = await currentPrincipal();
  if (!principal) redirect("/sign-in");
  const params = await loadUsersSearchParams(searchParams);
  const [result, stats, drawer] = await Promise.all([
    listUsersPage(principal, params),
    userApi().stats(principal),
    loadDrawer(principal, params.user),
  ]);
  return (
    <main>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">Users</h1>
        <UsersDialogs viewerRole={principal.role} />
      </div>
      <UsersStats stats={stats} />
      <UsersTable result={result} resultKey={usersListKey(params)} viewer={{ userId: principal.userId, role: principal.role }} />
      {drawer ? <LazyUserDrawer user={drawer.user} timeline={drawer.timeline} viewer={{ userId: principal.userId, role: drawer.viewerRole }} /> : null}
    </main>
  );
}

/** The drawer's data for ?user=ID; a user who is gone (or in another org) simply opens nothing. */
async function loadDrawer(principal: Principal, id: string | null) {
  if (!id) return null;
  const api = userApi();
  try {
    const user = await api.get(principal, id);
    const viewerRole = principal.role; // read fresh from the database for this request
    const timeline = can({ role: viewerRole }, "audit:read") ? await api.timeline(principal, user.id) : null;
    return { user, timeline, viewerRole };
  } catch (err) {
    if (err instanceof RosterError && (err.code === "NOT_FOUND" || err.code === "VALIDATION")) return null;
    throw err;
  }
}
