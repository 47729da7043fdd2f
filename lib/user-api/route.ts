import "server-only";
// The door for the REST routes the console needs beyond DESIGN's list (stats, timeline, the
// invitation link, ...): authenticate the caller, parse a JSON body, call the core, map errors
// to the one error model with a request id. The caller is the person an actor token names
// (the console over HTTP); the core re-reads them and authorizes as for any other door.
import { randomUUID } from "node:crypto";
import { actorFromRequest } from "../auth/actor-token";
import { getUsersCore, type Principal, type UsersCore } from "../users";
import { RosterError, toErrorBody, unauthenticated } from "../users/errors";
import { ERROR_HTTP_STATUS } from "../validation/enums";

const MAX_BODY_BYTES = 1024 * 1024;

export interface RouteContext<P> {
  request: Request;
  principal: Principal;
  core: UsersCore;
  params: P;
  /** The JSON body (null when there is none); malformed JSON is refused before the handler. */
  body: unknown;
  requestId: string;
}

async function readBody(request: Request): Promise<unknown> {
  if (request.method === "GET" || request.method === "HEAD") return null;
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > MAX_BODY_BYTES) throw new RosterError("VALIDATION", "The request body is larger than 1 MB");
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new RosterError("VALIDATION", "The request body is larger than 1 MB");
  if (text.trim() === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new RosterError("VALIDATION", "The request body is not valid JSON");
  }
}

/** Wraps a route handler; the handler returns a DTO (sent as JSON) or a Response. */
export function actorRoute<P = Record<string, never>>(
  handler: (ctx: RouteContext<P>) => Promise<unknown>,
  opts: { status?: number } = {},
) {
  return async (request: Request, context: { params: Promise<P> }): Promise<Response> => {
    const requestId = request.headers.get("x-request-id")?.slice(0, 100) || randomUUID();
    const headers = { "cache-control": "no-store", "x-request-id": requestId };
    try {
      const principal = await actorFromRequest(request);
      if (!principal) throw unauthenticated("Send an actor token or an API key");
      const [params, body, core] = await Promise.all([context.params, readBody(request), getUsersCore()]);
      const result = await handler({ request, principal, core, params, body, requestId });
      if (result instanceof Response) return result;
      return Response.json(result, { status: opts.status ?? 200, headers });
    } catch (err) {
      const error = toErrorBody(err, requestId);
      return Response.json({ error }, { status: ERROR_HTTP_STATUS[error.code], headers });
    }
  };
}
