// PUT /api/v1/users/{id}/role `{ role, expectedVersion? }`: a role change alone (PATCH takes the
// role together with profile fields). Never your own, never above your own, never the last admin.
import { apiHandler } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

export const PUT = apiHandler<{ id: string }>(async ({ core, principal, params, json }) =>
  core.changeRole(principal, params.id, await json()),
);
