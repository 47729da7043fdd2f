import "server-only";
import { randomUUID } from "node:crypto";
import type { Principal } from "../users/types";
import { toErrorBody, unauthenticated } from "../users/errors";
import { ERROR_HTTP_STATUS } from "../validation/enums";
import { searchParamsInput } from "../validation/users";
import { currentPrincipal } from "./session";

interface DownloadFile {
  body: BodyInit;
  contentType: string;
  filename: string;
}

/**
 * A console route (not a page): resolve the signed-in caller (none: 401, and `run` never
 * runs), answer what `run` answers for them, or the one error body, never cached.
 */
export async function consoleRoute(run: (principal: Principal) => Promise<Response>): Promise<Response> {
  const requestId = randomUUID();
  try {
    const principal = await currentPrincipal();
    if (!principal) throw unauthenticated();
    return await run(principal);
  } catch (err) {
    const error = toErrorBody(err, requestId);
    return Response.json({ error }, { status: ERROR_HTTP_STATUS[error.code], headers: { "cache-control": "no-store" } });
  }
}

/**
 * The console's download doors (users and audit exports): hand the query string (its `format`
 * apart) to `run`, which calls the user API (whose core authorizes, audits and streams), and
 * answer the file (consoleRoute resolves the caller and answers errors). Nothing else.
 */
export function consoleDownload(
  request: Request,
  run: (principal: Principal, query: Record<string, unknown>, format: unknown) => Promise<DownloadFile>,
): Promise<Response> {
  return consoleRoute(async (principal) => {
    const { format, ...query } = searchParamsInput(new URL(request.url).searchParams);
    const file = await run(principal, query, format);
    return new Response(file.body, {
      headers: {
        "content-type": file.contentType,
        "content-disposition": `attachment; filename="${file.filename}"`,
        "cache-control": "no-store",
      },
    });
  });
}
