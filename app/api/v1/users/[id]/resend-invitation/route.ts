// POST /api/v1/users/{id}/resend-invitation: a fresh emailed link; the previous one stops working.
import { apiHandler } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

export const POST = apiHandler<{ id: string }>(async ({ core, principal, params }) =>
  core.resendInvitation(principal, params.id),
);
