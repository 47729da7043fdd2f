// POST /api/v1/users/{id}/revoke-invitation: the pending invitation link stops working; the
// user stays invited (resend to issue a new one). Answers the user.
import { apiHandler } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

export const POST = apiHandler<{ id: string }>(async ({ core, principal, params }) =>
  core.revokeInvitation(principal, params.id),
);
