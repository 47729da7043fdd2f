// POST /api/v1/users/bulk-deactivate { ids?, emails?, dryRun? }: one outcome per input, in order.
import { apiHandler } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

export const POST = apiHandler(async ({ core, principal, json }) => ({ data: await core.bulkDeactivate(principal, await json()) }));
