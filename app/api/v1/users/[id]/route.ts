// GET /api/v1/users/{id-or-email} · PATCH (profile fields and/or role) · DELETE.
import { apiHandler } from "@/lib/api/handler";

export const dynamic = "force-dynamic";
type P = { id: string };

export const GET = apiHandler<P>(async ({ core, principal, params }) => core.get(principal, params.id));

export const PATCH = apiHandler<P>(async ({ core, principal, params, json }) =>
  core.patch(principal, params.id, await json()),
);

export const DELETE = apiHandler<P>(async ({ core, principal, params }) => core.delete(principal, params.id));
