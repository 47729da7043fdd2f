// POST /api/v1/users/bulk-deactivate { ids?, emails?, dryRun? }: one outcome per input, in order.
import { actorRoute } from "@/lib/user-api/route";

export const dynamic = "force-dynamic";

export const POST = actorRoute(async ({ core, principal, body }) => ({ data: await core.bulkDeactivate(principal, body) }));
