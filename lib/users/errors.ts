import { z } from "zod";
import { ERROR_HTTP_STATUS, type ErrorCode } from "../validation/enums";

export type FieldErrors = Record<string, string[]>;

// The app is bundled in several pieces (route handlers, server actions, instrumentation), each
// with its own copy of this module, while the core instance is shared. A brand in the global
// symbol registry makes `instanceof RosterError` true for an error from any copy.
const BRAND = Symbol.for("roster.RosterError");

/** The one error model of the core, the server actions and the REST API. */
export class RosterError extends Error {
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  readonly [BRAND] = true;
  readonly code: ErrorCode;
  readonly fields?: FieldErrors;
  /** Set once the refusal has its audit event, so it is never recorded twice. */
  audited = false;

  constructor(code: ErrorCode, message: string, fields?: FieldErrors) {
    super(message);
    this.name = "RosterError";
    this.code = code;
    this.fields = fields;
  }

  get status(): number {
    return ERROR_HTTP_STATUS[this.code];
  }
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  fields?: FieldErrors;
  requestId?: string;
}

export const forbidden = (message = "You are not allowed to do that") =>
  new RosterError("FORBIDDEN", message);
export const notFound = (message = "No such user in your organization") =>
  new RosterError("NOT_FOUND", message);
export const unauthenticated = (message = "Sign in to continue") =>
  new RosterError("UNAUTHENTICATED", message);

/** Field errors from a zod failure, keyed by dotted path ("" for the whole input). */
export function zodFieldErrors(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join(".") || "_";
    const message =
      issue.code === "unrecognized_keys"
        ? `Unknown field${issue.keys.length > 1 ? "s" : ""}: ${issue.keys.join(", ")}`
        : issue.message;
    (fields[key] ??= []).push(message);
  }
  return fields;
}

export function validationError(error: z.ZodError): RosterError {
  const fields = zodFieldErrors(error);
  const first = Object.entries(fields)[0];
  const message = first
    ? `${first[0] === "_" ? "" : `${first[0]}: `}${first[1][0]}`
    : "The input is not valid";
  return new RosterError("VALIDATION", message, fields);
}

/** Parses input with a schema, throwing VALIDATION (never a raw zod error). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(result.error);
  return result.data;
}

/** Postgres error code of a driver error (pg and PGlite both expose `code`). */
export function pgErrorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 3 && e && typeof e === "object"; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The body to send for any thrown value. Unknown errors become INTERNAL with a message that
 * names the request id; the details go to the log, never to the caller.
 */
export function toErrorBody(err: unknown, requestId: string): ErrorBody {
  if (err instanceof RosterError) {
    return { code: err.code, message: err.message, fields: err.fields, requestId };
  }
  console.error(`[roster] request ${requestId} failed:`, err);
  return {
    code: "INTERNAL",
    message: `Something went wrong on our side (request id ${requestId}). Nothing was changed unless stated otherwise.`,
    requestId,
  };
}
