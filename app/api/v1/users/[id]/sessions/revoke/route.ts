// POST /api/v1/users/{id}/sessions/revoke: ends every session of the user at once.
import { apiHandler } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

export const POST = apiHandler<{ id: string }>(async ({ core, principal, params }) =>
  core.endSessions(principal, params.id),
);
