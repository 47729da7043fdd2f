// The console's audit export door: GET /audit/export?format=csv|json|ndjson with the audit page's
// filter (actor, target, actorRole, action repeatable, outcome, from, to). It resolves the
// signed-in caller, calls the user API (whose core authorizes, audits and streams) and maps errors.
import { consoleDownload } from "@/lib/auth/download";
import { userApi } from "@/lib/user-api";

export const dynamic = "force-dynamic";

export function GET(request: Request): Promise<Response> {
  return consoleDownload(request, (principal, query, format) => userApi().exportAuditEvents(principal, query, format));
}
