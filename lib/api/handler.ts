import "server-only";
// The one wrapper of every REST route handler (app/api/v1/**/route.ts): a request id on every
// response and log line, the caller authenticated before the body runs, a per-key rate limit,
// safe body parsing, and every error in the one error model with its HTTP status.
import { randomUUID } from "node:crypto";
import { getUsersCore, type UsersCore } from "../users";
import { RosterError, toErrorBody, type ErrorBody } from "../users/errors";
import type { Principal } from "../users/types";
import { ERROR_HTTP_STATUS } from "../validation/enums";
import { searchParamsInput } from "../validation/users";
import { authenticateRequest } from "./auth";
import { BodyError, readJson } from "./body";
import { apiLimiter, type RateDecision } from "./rate-limit";

export const REQUEST_ID_HEADER = "x-request-id";
// A caller's own request id is kept when it is a plain token (so a BFF or proxy can correlate).
const CALLER_REQUEST_ID = /^[A-Za-z0-9._:-]{8,100}$/;

export interface ApiCall<P> {
  request: Request;
  url: URL;
  params: P;
  requestId: string;
  core: UsersCore;
  principal: Principal;
  /** The query string as schema input (a repeated key is an array). */
  query: () => Record<string, string | string[]>;
  /** The JSON body (undefined when empty), read with the size and depth limits. */
  json: () => Promise<unknown>;
}

type Body<P> = (call: ApiCall<P>) => Promise<Response | object>;
type RouteContext<P> = { params: Promise<P> };

/** A JSON response with a status (200 by default). */
export function json(data: unknown, status = 200, headers?: HeadersInit): Response {
  return Response.json(data, { status, headers });
}

function errorResponse(err: unknown, requestId: string): { response: Response; error: ErrorBody } {
  const error = toErrorBody(err, requestId);
  const status = err instanceof BodyError ? err.httpStatus : ERROR_HTTP_STATUS[error.code];
  const headers = new Headers();
  if (error.code === "UNAUTHENTICATED") headers.set("www-authenticate", 'Bearer realm="roster"');
  return { response: Response.json({ error }, { status, headers }), error };
}

function setRateHeaders(headers: Headers, d: RateDecision) {
  headers.set("ratelimit-limit", String(d.limit));
  headers.set("ratelimit-remaining", String(d.remaining));
  headers.set("ratelimit-reset", String(d.resetSeconds));
}

/**
 * Wraps a route body. With `{ public: true }` no credential is asked (the OpenAPI document);
 * otherwise no body runs without an authenticated caller.
 */
export function apiHandler<P = Record<string, never>>(body: Body<P>, opts: { public?: boolean } = {}) {
  return async (request: Request, ctx?: RouteContext<P>): Promise<Response> => {
    const started = performance.now();
    const incoming = request.headers.get(REQUEST_ID_HEADER);
    const requestId = incoming && CALLER_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const url = new URL(request.url);
    let principal: Principal | null = null;
    let rate: RateDecision | null = null;
    let response: Response;
    try {
      // Public routes (the OpenAPI document) need no database at all.
      const core = opts.public ? (undefined as unknown as UsersCore) : await getUsersCore();
      if (!opts.public) {
        principal = await authenticateRequest(core, request);
        const limiter = await apiLimiter();
        rate = await limiter.consume(principal.apiKeyId ? `key:${principal.apiKeyId}` : `user:${principal.userId}`);
        if (!rate.allowed) {
          throw new RosterError("RATE_LIMITED", `Too many requests; try again in ${rate.resetSeconds} s`);
        }
      }
      const params = ((await ctx?.params) ?? {}) as P;
      const result = await body({
        request,
        url,
        params,
        requestId,
        core,
        principal: principal ?? (null as unknown as Principal),
        query: () => searchParamsInput(url.searchParams),
        json: () => readJson(request),
      });
      response = result instanceof Response ? result : json(result);
    } catch (err) {
      response = errorResponse(err, requestId).response;
      if (response.status === 429 && rate) response.headers.set("retry-after", String(rate.resetSeconds));
    }
    response.headers.set(REQUEST_ID_HEADER, requestId);
    if (!response.headers.has("cache-control")) response.headers.set("cache-control", "no-store");
    if (rate) setRateHeaders(response.headers, rate);
    const who = principal ? `${principal.kind}:${principal.apiKeyPrefix ?? principal.userId}` : "-";
    console.info(
      `[api] ${requestId} ${request.method} ${url.pathname} ${response.status} ${Math.round(performance.now() - started)}ms ${who}`,
    );
    return response;
  };
}
