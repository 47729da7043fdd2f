// POST /api/v1/users/{id}/invitation-link: a fresh invitation link to hand over, without mail
// (the previous link stops working). Answers { user, invitationLink }.
import { apiHandler } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

export const POST = apiHandler<{ id: string }>(async ({ core, principal, params }) =>
  core.copyInvitationLink(principal, params.id),
);
