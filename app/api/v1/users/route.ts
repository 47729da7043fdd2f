// GET /api/v1/users: the list (filters, sort, keyset cursor) · POST /api/v1/users: create one
// user, or invite many with `emails`; `Idempotency-Key` makes a retry safe.
import { apiHandler, json } from "@/lib/api/handler";
import type { IdempotencyOptions } from "@/lib/users";

export const dynamic = "force-dynamic";

export const GET = apiHandler(async ({ core, principal, query }) => core.list(principal, query()));

export const POST = apiHandler(async ({ core, principal, request, json: body }) => {
  const input = await body();
  const opts: IdempotencyOptions = { idempotencyKey: request.headers.get("idempotency-key") ?? undefined };
  const many = !!input && typeof input === "object" && !Array.isArray(input) && "emails" in input;
  const result = many ? { data: await core.invite(principal, input, opts) } : await core.create(principal, input, opts);
  return json(result, many ? 200 : 201, opts.replayed ? { "idempotent-replayed": "true" } : undefined);
});
