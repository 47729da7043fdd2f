// GET /api/v1/users/{id-or-email}/timeline?limit=1..100: what was done to a user, by whom and
// when, newest first (audit events naming them as target; needs audit:read), as { data: [...] }.
import { apiHandler } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

export const GET = apiHandler<{ id: string }>(async ({ core, principal, params, query }) => ({
  data: await core.timeline(principal, params.id, query()),
}));
