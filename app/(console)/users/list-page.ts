import "server-only";
import { RosterError, type ListUsersResult, type Principal } from "@/lib/users";
import { userApi } from "@/lib/user-api";
import type { UsersSearchParams } from "@/lib/validation/users-search-params";

/**
 * One page of the users list for the URL's parameters, as the server page renders it and as
 * `/users/rows` answers it. A cursor that no longer means anything (tampered, or from another
 * sort) falls back to page 1.
 */
export async function listUsersPage(principal: Principal, params: UsersSearchParams): Promise<ListUsersResult> {
  const api = userApi();
  const query = {
    q: params.q || undefined,
    status: params.status,
    role: params.role,
    invitation: params.invitation ?? undefined,
    neverSignedIn: params.neverSignedIn || undefined,
    notSeenSince: params.notSeenSince ?? undefined,
    sort: params.sort,
    limit: params.limit,
    cursor: params.cursor ?? undefined,
  };
  return api.list(principal, query).catch((err: unknown) => {
    if (err instanceof RosterError && err.code === "VALIDATION" && query.cursor) {
      return api.list(principal, { ...query, cursor: undefined });
    }
    throw err;
  });
}
