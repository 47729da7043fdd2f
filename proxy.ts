import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy, isHttpsUrl } from "./lib/security/headers";

// Sets a fresh CSP nonce on every page request. It authorizes nothing: pages, server actions
// and route handlers each check the caller themselves. Not run for what is not a page: the API,
// static files, and the users page's JSON rows and export downloads (a search's rows request
// waits for it otherwise).
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const csp = contentSecurityPolicy(nonce, {
    dev: process.env.NODE_ENV === "development",
    https: isHttpsUrl(process.env.APP_URL),
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!api|_next/static|_next/image|favicon.ico|users/rows|users/export).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
