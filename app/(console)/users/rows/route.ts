// The users table's rows door: GET /users/rows with the page's URL parameters answers the page
// of users (JSON, as the server page renders it) when the filters change in the browser, with
// no server render of the whole page. It resolves the signed-in caller and calls the user API
// (whose core authorizes); errors have the one JSON shape. Nothing else.
import { randomUUID } from "node:crypto";
import { currentPrincipal } from "@/lib/auth/session";
import { toErrorBody } from "@/lib/users";
import { unauthenticated } from "@/lib/users/errors";
import { ERROR_HTTP_STATUS } from "@/lib/validation/enums";
import { loadUsersSearchParams } from "@/lib/validation/users-search-params";
import { listUsersPage } from "../list-page";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  const headers = { "cache-control": "no-store" };
  try {
    const principal = await currentPrincipal();
    if (!principal) throw unauthenticated();
    const result = await listUsersPage(principal, loadUsersSearchParams(request));
    return Response.json(result, { headers });
  } catch (err) {
    const error = toErrorBody(err, randomUUID());
    return Response.json({ error }, { status: ERROR_HTTP_STATUS[error.code], headers });
  }
}
