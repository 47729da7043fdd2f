import "server-only";
// The actor token: how the console (the BFF) tells the user API, over HTTP, which signed-in
// person it acts for. A short-lived HS256 JWT signed with a secret both sides share. It only
// says who the person was when the console checked their session; the API turns it into a
// "session" principal and the core re-reads that person on every call (status, role, session
// version), so a deactivated person or an ended session is refused whatever the token says.
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { env } from "../config";
import { unauthenticated } from "../users/errors";
import type { Principal } from "../users/types";
import { ROLES } from "../validation/enums";
import { authSecret } from "./secret";

/**
 * It travels as `Authorization: Bearer <token>`, like an API key; the API tells them apart by
 * shape: a compact JWS (three base64url parts, the first a JSON header) is an actor token.
 */
export const ACTOR_TOKEN_RE = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
export const ACTOR_TOKEN_ISSUER = "roster-console";
export const ACTOR_TOKEN_AUDIENCE = "roster-user-api";
/** Seconds a token lives: enough for one request, retries included. */
export const ACTOR_TOKEN_TTL_SECONDS = 60;

const encoder = new TextEncoder();

/** USER_API_SECRET, or the auth secret when the console and the API share one. */
export function actorTokenSecret(): Uint8Array {
  return encoder.encode(env().USER_API_SECRET ?? authSecret());
}

/** Signs a token for the acting person (a session principal). */
export async function signActorToken(
  principal: Principal,
  opts: { secret?: Uint8Array; now?: Date; ttlSeconds?: number } = {},
): Promise<string> {
  if (principal.kind !== "session" || typeof principal.sessionVersion !== "number") {
    throw new Error("An actor token is for a signed-in person's session");
  }
  const iat = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  return new SignJWT({
    org: principal.orgId,
    sv: principal.sessionVersion,
    email: principal.email,
    role: principal.role,
    ip: principal.ip ?? null,
    ua: principal.userAgent?.slice(0, 500) ?? null,
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(principal.userId)
    .setIssuer(ACTOR_TOKEN_ISSUER)
    .setAudience(ACTOR_TOKEN_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (opts.ttlSeconds ?? ACTOR_TOKEN_TTL_SECONDS))
    .sign(opts.secret ?? actorTokenSecret());
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Verifies a token (signature, HS256 only, issuer, audience, expiry) and returns the session
 * principal it names. Anything wrong is UNAUTHENTICATED with one message: no detail for a forger.
 */
export async function verifyActorToken(
  token: string,
  opts: { secret?: Uint8Array; now?: Date } = {},
): Promise<Principal> {
  const refused = () => unauthenticated("The actor token is invalid or expired");
  try {
    const { payload: p } = await jwtVerify(token, opts.secret ?? actorTokenSecret(), {
      algorithms: ["HS256"],
      issuer: ACTOR_TOKEN_ISSUER,
      audience: ACTOR_TOKEN_AUDIENCE,
      requiredClaims: ["sub", "exp", "iat"],
      maxTokenAge: ACTOR_TOKEN_TTL_SECONDS + 5,
      currentDate: opts.now,
    });
    const role = ROLES.find((r) => r === p.role);
    if (
      typeof p.sub !== "string" || !UUID_RE.test(p.sub) ||
      typeof p.org !== "string" || !UUID_RE.test(p.org) ||
      typeof p.sv !== "number" || !Number.isInteger(p.sv) ||
      typeof p.email !== "string" || !role
    ) {
      throw refused();
    }
    return {
      kind: "session",
      userId: p.sub,
      orgId: p.org,
      sessionVersion: p.sv,
      email: p.email,
      role,
      ip: typeof p.ip === "string" ? p.ip : null,
      userAgent: typeof p.ua === "string" ? p.ua : null,
    };
  } catch (err) {
    if (err instanceof joseErrors.JOSEError || err instanceof TypeError) throw refused();
    throw err;
  }
}

/**
 * The principal of a request whose bearer credential is an actor token, null when it carries
 * none (the route then tries an API key). A token that is present but bad is UNAUTHENTICATED.
 */
export async function actorFromRequest(request: Request): Promise<Principal | null> {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(request.headers.get("authorization") ?? "");
  if (!m || !ACTOR_TOKEN_RE.test(m[1]!)) return null;
  return verifyActorToken(m[1]!);
}
