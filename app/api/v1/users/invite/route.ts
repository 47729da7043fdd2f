// POST /api/v1/users/invite `{ emails, role, name?, inviteMode? }`: invite many, one outcome per
// email in input order, as `{ data: [...] }`. Like POST /api/v1/users with `emails`, but never
// read as a create; `Idempotency-Key` makes a retry safe.
import { apiHandler, json as jsonResponse } from "@/lib/api/handler";
import type { IdempotencyOptions } from "@/lib/users";

export const dynamic = "force-dynamic";

export const POST = apiHandler(async ({ core, principal, request, json }) => {
  const opts: IdempotencyOptions = { idempotencyKey: request.headers.get("idempotency-key") ?? undefined };
  const data = await core.invite(principal, await json(), opts);
  return jsonResponse({ data }, 200, opts.replayed ? { "idempotent-replayed": "true" } : undefined);
});
