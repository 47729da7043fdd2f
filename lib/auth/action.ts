import "server-only";
import { randomUUID } from "node:crypto";
import { toErrorBody, type ErrorBody } from "../users/errors";
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
