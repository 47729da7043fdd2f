// Test support only (a private folder: not a route).
// Calls the REST route handlers directly (no server): the path is matched to its route module
// the way Next's router would, and the handler gets a real Request.

type Handler = (request: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
type RouteModule = Record<string, unknown>;

const ROUTES: [RegExp, () => Promise<RouteModule>][] = [
  [/^\/users$/, () => import("@/app/api/v1/users/route")],
  [/^\/users\/export$/, () => import("@/app/api/v1/users/export/route")],
  [/^\/users\/bulk-delete$/, () => import("@/app/api/v1/users/bulk-delete/route")],
  [/^\/users\/(?<id>[^/]+)$/, () => import("@/app/api/v1/users/[id]/route")],
  [/^\/users\/(?<id>[^/]+)\/deactivate$/, () => import("@/app/api/v1/users/[id]/deactivate/route")],
  [/^\/users\/(?<id>[^/]+)\/reactivate$/, () => import("@/app/api/v1/users/[id]/reactivate/route")],
  [/^\/users\/(?<id>[^/]+)\/resend-invitation$/, () => import("@/app/api/v1/users/[id]/resend-invitation/route")],
  [/^\/users\/(?<id>[^/]+)\/reset-password$/, () => import("@/app/api/v1/users/[id]/reset-password/route")],
  [/^\/users\/(?<id>[^/]+)\/sessions\/revoke$/, () => import("@/app/api/v1/users/[id]/sessions/revoke/route")],
  [/^\/users\/(?<id>[^/]+)\/password$/, () => import("@/app/api/v1/users/[id]/password/route")],
  [/^\/audit-events$/, () => import("@/app/api/v1/audit-events/route")],
  [/^\/audit-events\/export$/, () => import("@/app/api/v1/audit-events/export/route")],
  [/^\/overview$/, () => import("@/app/api/v1/overview/route")],
  [/^\/openapi\.json$/, () => import("@/app/api/v1/openapi.json/route")],
];

export interface ApiRequestOptions {
  key?: string | null;
  body?: unknown;
  /** A raw body (string), sent as is. */
  raw?: string | Uint8Array;
  headers?: Record<string, string>;
}

/** Calls `METHOD /api/v1<path>` through its route handler. */
export async function callApi(method: string, pathAndQuery: string, opts: ApiRequestOptions = {}): Promise<Response> {
  const url = new URL(`http://roster.test/api/v1${pathAndQuery}`);
  const route = url.pathname.slice("/api/v1".length);
  for (const [re, load] of ROUTES) {
    const m = re.exec(route);
    if (!m) continue;
    const mod = await load();
    const handler = mod[method] as Handler | undefined;
    if (!handler) return new Response(null, { status: 405 });
    const headers = new Headers(opts.headers);
    if (opts.key) headers.set("authorization", `Bearer ${opts.key}`);
    let body: BodyInit | undefined;
    if (opts.raw !== undefined) body = opts.raw as BodyInit;
    else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      if (!headers.has("content-type")) headers.set("content-type", "application/json");
    }
    const params = Object.fromEntries(
      Object.entries(m.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)]),
    );
    return handler(new Request(url, { method, headers, body }), { params: Promise.resolve(params) });
  }
  throw new Error(`no route for ${route}`);
}

export interface ApiErrorJson {
  error: { code: string; message: string; fields?: Record<string, string[]>; requestId: string };
}
