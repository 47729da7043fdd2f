// PATCH /api/v1/users/{id}/profile `{ name?, isDeveloper?, <profile fields>?, expectedVersion? }`:
// an edit that can never touch the role (a `role` field is refused as unknown), which is what the
// console's drawer sends; PATCH /api/v1/users/{id} takes both.
import { apiHandler } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

export const PATCH = apiHandler<{ id: string }>(async ({ core, principal, params, json }) =>
  core.update(principal, params.id, await json()),
);
