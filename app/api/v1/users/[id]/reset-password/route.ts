// POST /api/v1/users/{id}/reset-password: `{ mode: "email_link" | "temporary_password" }`
// (default email_link); the user's sessions end and the old password stops working.
import { apiHandler } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

export const POST = apiHandler<{ id: string }>(async ({ core, principal, params, json }) =>
  core.resetPassword(principal, params.id, await json()),
);
