// GET /api/v1/users/stats: the caller's organization's users by status and by role (the users
// page's counts); exact, or the planner's estimates past 50,000 users (`exact: false`).
import { apiHandler } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

export const GET = apiHandler(async ({ core, principal }) => core.stats(principal));
