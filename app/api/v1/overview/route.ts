// GET /api/v1/overview: the organization at a glance (the console's `/`): user counts, pending
// and expired invitations, people never or not recently signed in, each with the users-list
// query that shows them; and the admins' latest activity when the caller may read the audit log.
import { apiHandler } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

export const GET = apiHandler(async ({ core, principal }) => core.overview(principal));
