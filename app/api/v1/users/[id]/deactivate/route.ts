// POST /api/v1/users/{id}/deactivate
import { apiHandler } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

export const POST = apiHandler<{ id: string }>(async ({ core, principal, params }) => core.deactivate(principal, params.id));
