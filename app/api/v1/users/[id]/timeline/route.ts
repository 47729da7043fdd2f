// GET /api/v1/users/{id-or-email}/timeline?limit=1..100: what was done to a user, by whom and
// when, newest first (audit events naming them as target; needs audit:read), as { data: [...] }.
import { actorRoute } from "@/lib/user-api/route";
import { searchParamsInput } from "@/lib/validation/users";

export const dynamic = "force-dynamic";

export const GET = actorRoute<{ id: string }>(async ({ core, principal, params, request }) => ({
  data: await core.timeline(principal, params.id, searchParamsInput(new URL(request.url).searchParams)),
}));
