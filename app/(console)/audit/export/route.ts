// The console's audit export door: GET /audit/export?format=csv|json|ndjson with the audit page's
// filter (actor, target, actorRole, action repeatable, outcome, from, to). It resolves the
// signed-in caller, calls the user API (whose core authorizes, audits and streams) and maps errors.
import { randomUUID } from "node:crypto";
import { currentPrincipal } from "@/lib/auth/session";
import { userApi } from "@/lib/user-api";
import { toErrorBody, unauthenticated } from "@/lib/users/errors";
import { ERROR_HTTP_STATUS } from "@/lib/validation/enums";
import { searchParamsInput } from "@/lib/validation/users";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  const requestId = randomUUID();
  try {
    const principal = await currentPrincipal();
    if (!principal) throw unauthenticated();
    const { format, ...query } = searchParamsInput(new URL(request.url).searchParams);
    const file = await userApi().exportAuditEvents(principal, query, format);
    return new Response(file.body, {
      headers: {
        "content-type": file.contentType,
        "content-disposition": `attachment; filename="${file.filename}"`,
        "cache-control": "no-store",
      },
    });
  } catch (err) {
    const error = toErrorBody(err, requestId);
    return Response.json(
      { error },
      { status: ERROR_HTTP_STATUS[error.code], headers: { "cache-control": "no-store" } },
    );
  }
}
