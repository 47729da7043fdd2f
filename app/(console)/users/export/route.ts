// The console's export door: GET /users/export?format=csv|json|ndjson with the list's filter
// (q, email, status and role repeatable, sort). It resolves the signed-in caller, calls the user API
// (whose core authorizes, audits and streams) and maps errors; nothing else.
import { consoleDownload } from "@/lib/auth/download";
import { userApi } from "@/lib/user-api";

export const dynamic = "force-dynamic";

export function GET(request: Request): Promise<Response> {
  return consoleDownload(request, (principal, query, format) => userApi().export(principal, query, format));
}
