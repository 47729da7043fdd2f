// POST /api/v1/users/bulk-change-role { ids?, emails?, role, dryRun? }: one outcome per input, in order.
import { apiHandler } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

export const POST = apiHandler(async ({ core, principal, json }) => ({ data: await core.bulkChangeRole(principal, await json()) }));
