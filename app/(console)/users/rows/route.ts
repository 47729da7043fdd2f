// The users table's rows door: GET /users/rows with the page's URL parameters answers the page
// of users (JSON, as the server page renders it) when the filters change in the browser, with
// no server render of the whole page. It resolves the signed-in caller and calls the user API
// (whose core authorizes); consoleRoute answers errors in the one JSON shape. Nothing else.
import { consoleRoute } from "@/lib/auth/download";
import { loadUsersSearchParams } from "@/lib/validation/users-search-params";
import { listUsersPage } from "../list-page";

export const dynamic = "force-dynamic";

export function GET(request: Request): Promise<Response> {
  return consoleRoute(async (principal) =>
    Response.json(await listUsersPage(principal, loadUsersSearchParams(request)), { headers: { "cache-control": "no-store" } }),
  );
}
