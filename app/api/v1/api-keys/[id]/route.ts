// DELETE /api/v1/api-keys/{id}: revoke one of the caller's own keys (it stays listed as revoked).
import { apiHandler } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

export const DELETE = apiHandler<{ id: string }>(async ({ core, principal, params }) => core.revokeApiKey(principal, params.id));
