// PUT /api/v1/users/{id}/password: `{ password, passwordConfirmation, temporary? }`.
import { apiHandler } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

export const PUT = apiHandler<{ id: string }>(async ({ core, principal, params, json }) =>
  core.setPassword(principal, params.id, await json()),
);
