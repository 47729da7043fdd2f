import "server-only";
// Who is calling the REST API: `Authorization: Bearer <credential>`. Each scheme below
// recognizes its own credentials by their shape; the core re-checks the principal on every
// call anyway (a revoked key or a deactivated owner is UNAUTHENTICATED at once).
import type { UsersCore } from "../users";
import { unauthenticated } from "../users/errors";
import type { Principal } from "../users/types";
import { API_KEY_RE } from "../validation/api-keys";

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

/** A bearer scheme: `matches` tells by shape whether a credential is of this kind. */
export interface BearerScheme {
  name: string;
  matches: (credential: string) => boolean;
  verify: (core: UsersCore, credential: string, meta: RequestMeta) => Promise<Principal>;
}

export const apiKeyScheme: BearerScheme = {
  name: "api_key",
  matches: (c) => API_KEY_RE.test(c),
  verify: (core, c, meta) => core.authenticateApiKey(c, meta),
};

/**
 * The schemes the API accepts, in order. The BFF's short-lived signed actor token (HTTP mode of
 * lib/user-api) is added here as a second scheme, recognized by its own shape.
 */
export const BEARER_SCHEMES: BearerScheme[] = [apiKeyScheme];

export function requestMeta(request: Request): RequestMeta {
  return {
    ip: request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() || null,
    userAgent: request.headers.get("user-agent"),
  };
}

/** The caller of a REST request, or UNAUTHENTICATED (no credential, an unknown kind, or refused). */
export async function authenticateRequest(core: UsersCore, request: Request): Promise<Principal> {
  const header = request.headers.get("authorization") ?? "";
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (!m) throw unauthenticated("Send an API key: Authorization: Bearer <key>");
  const credential = m[1]!;
  const scheme = BEARER_SCHEMES.find((s) => s.matches(credential));
  if (!scheme) throw unauthenticated("The API key is not valid, or it was revoked or has expired");
  return scheme.verify(core, credential, requestMeta(request));
}
