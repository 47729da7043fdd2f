// POST /api/v1/users/{id}/reactivate
import { apiHandler } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

export const POST = apiHandler<{ id: string }>(async ({ core, principal, params }) => core.reactivate(principal, params.id));
