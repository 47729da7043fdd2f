// PUT /api/v1/me/password { currentPassword, password, passwordConfirmation }: the caller
// changes their own password (the current one is required); their other sessions end.
import { actorRoute } from "@/lib/user-api/route";

export const dynamic = "force-dynamic";

export const PUT = actorRoute(async ({ core, principal, body }) => core.changeOwnPassword(principal, body));
