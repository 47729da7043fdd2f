// A real HTTP server for tests that dispatches to the App Router route modules of app/api/**,
// the way `next start` would: the most specific path wins (a static segment over a dynamic
// one), params are percent-decoded, an unknown path is 404 and a missing method 405. It lets a
// test call the REST API over a socket without building the app.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";

type Handler = (request: Request, context: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;
type RouteModule = Record<string, unknown>;

interface Route {
  segments: string[];
  load: () => Promise<RouteModule>;
}

/** Routes from an import.meta.glob of ".../app/**\/route.ts" (keys are file paths). */
export function routesFromGlob(modules: Record<string, () => Promise<unknown>>): Route[] {
  return Object.entries(modules).map(([file, load]) => {
    const dir = file.replace(/^.*?\/app\//, "").replace(/\/route\.tsx?$/, "");
    // Route groups "(name)" are not part of the URL.
    const segments = dir.split("/").filter((s) => s && !/^\(.*\)$/.test(s));
    return { segments, load: load as () => Promise<RouteModule> };
  });
}

function match(route: Route, parts: string[]): Record<string, string | string[]> | null {
  const params: Record<string, string | string[]> = {};
  for (let i = 0; i < route.segments.length; i++) {
    const seg = route.segments[i]!;
    const catchAll = /^\[\.\.\.(.+)\]$/.exec(seg);
    if (catchAll) {
      if (i >= parts.length) return null;
      params[catchAll[1]!] = parts.slice(i).map(decodeURIComponent);
      return params;
    }
    const part = parts[i];
    if (part === undefined) return null;
    const dynamic = /^\[(.+)\]$/.exec(seg);
    if (dynamic) params[dynamic[1]!] = decodeURIComponent(part);
    else if (seg !== part) return null;
  }
  return route.segments.length === parts.length ? params : null;
}

// Static segments sort before dynamic ones, position by position; catch-alls last.
const rank = (r: Route) => r.segments.map((s) => (s.startsWith("[...") ? "2" : s.startsWith("[") ? "1" : "0")).join("");

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) v.forEach((x) => headers.append(k, x));
    else if (v !== undefined) headers.set(k, v);
  }
  const body = chunks.length && req.method !== "GET" && req.method !== "HEAD" ? Buffer.concat(chunks) : undefined;
  return new Request(new URL(req.url ?? "/", origin), { method: req.method, headers, body });
}

async function send(res: ServerResponse, response: Response) {
  res.statusCode = response.status;
  response.headers.forEach((value, key) => res.setHeader(key, value));
  if (!response.body) return res.end();
  Readable.fromWeb(response.body as import("node:stream/web").ReadableStream).pipe(res);
}

export interface RouteServer {
  url: string;
  server: Server;
  close: () => Promise<void>;
}

/** Starts the server on 127.0.0.1 and a free port. */
export async function startRouteServer(routes: Route[]): Promise<RouteServer> {
  const sorted = [...routes].sort((a, b) => rank(a).localeCompare(rank(b)));
  const server = createServer((req, res) => {
    void (async () => {
      const origin = `http://${req.headers.host ?? "127.0.0.1"}`;
      const parts = new URL(req.url ?? "/", origin).pathname.split("/").filter(Boolean);
      const found = sorted.map((r) => ({ r, params: match(r, parts) })).find((m) => m.params);
      if (!found) return send(res, new Response("Not found", { status: 404 }));
      const mod = await found.r.load();
      const handler = mod[req.method ?? "GET"] as Handler | undefined;
      if (typeof handler !== "function") return send(res, new Response("Method not allowed", { status: 405 }));
      const response = await handler(await toRequest(req, origin), { params: Promise.resolve(found.params!) });
      await send(res, response);
    })().catch((err: unknown) => {
      console.error("[route-server]", err);
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
