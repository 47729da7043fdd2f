// POST /api/v1/users/bulk-delete: `{ ids?, emails?, dryRun? }` → one outcome per input, in order.
import { apiHandler } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

export const POST = apiHandler(async ({ core, principal, json }) => ({
  data: await core.bulkDelete(principal, await json()),
}));
