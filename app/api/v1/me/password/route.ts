// PUT /api/v1/me/password { currentPassword, password, passwordConfirmation }: the caller
// changes their own password (the current one is required); their other sessions end.
import { apiHandler } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

export const PUT = apiHandler(async ({ core, principal, json }) => core.changeOwnPassword(principal, await json()));
