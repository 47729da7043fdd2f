import "server-only";
import { randomUUID } from "node:crypto";
import { headers } from "next/headers";
import { RosterError, toErrorBody, type ErrorBody } from "../users/errors";
import { INVALID_LINK } from "../users/invitations";
import type { Principal } from "../users/types";
import { currentPrincipal } from "./session";

/** The one result shape of every server action. */
export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

/**
 * Wraps a server action so that it cannot run without a caller: the session is resolved first
 * (no session: UNAUTHENTICATED, and the body never runs), the core authorizes, and every error
 * comes back in the one shape (unknown ones as INTERNAL with a request id, logged).
 */
export function authedAction<A extends unknown[], T>(
  body: (principal: Principal, ...args: A) => Promise<T>,
): (...args: A) => Promise<ActionResult<T>> {
  return async (...args: A) => {
    const requestId = randomUUID();
    try {
      const principal = await currentPrincipal();
      if (!principal) {
        return { ok: false, error: { code: "UNAUTHENTICATED", message: "Sign in to continue", requestId } };
      }
      return { ok: true, data: await body(principal, ...args) };
    } catch (err) {
      return { ok: false, error: toErrorBody(err, requestId) };
    }
  };
}

/**
 * A server action whose credential is a single-use link's token, not a session (accepting an
 * invitation, completing a password reset): the core checks the token; the result has the one
 * shape. Every refusal of the link itself, a malformed token included, is the one generic
 * NOT_FOUND (SECURITY.md 14).
 */
export function tokenAction<A extends unknown[], T>(
  body: (meta: { ip: string | null; userAgent: string | null }, ...args: A) => Promise<T>,
): (...args: A) => Promise<ActionResult<T>> {
  return async (...args: A) => {
    const requestId = randomUUID();
    try {
      const h = await headers();
      const meta = { ip: h.get("x-forwarded-for")?.split(",")[0]?.trim() ?? null, userAgent: h.get("user-agent") };
      return { ok: true, data: await body(meta, ...args) };
    } catch (err) {
      if (err instanceof RosterError && err.code === "VALIDATION" && err.fields?.token) {
        return { ok: false, error: { code: "NOT_FOUND", message: INVALID_LINK, requestId } };
      }
      return { ok: false, error: toErrorBody(err, requestId) };
    }
  };
}
