import "server-only";
// The HTTP transport: the REST user API (/api/v1) of another Roster process at USER_API_URL.
// Each call carries a fresh actor token for the acting person (lib/auth/actor-token.ts); the
// API verifies it and its core authorizes everything again. Error bodies come back as the same
// RosterError (code, message, fields) the in-process transport throws.
import { signActorToken } from "../auth/actor-token";
import { parseInput, RosterError, type FieldErrors } from "../users/errors";
import { z } from "zod";
import { createUserSchema } from "../validation/users";
import type { AuditEventDTO } from "../users/timeline";
import type { ApiKeyDTO, Principal } from "../users/types";
import { ERROR_CODES, type ErrorCode } from "../validation/enums";
import type { UserApi } from "./types";

export interface HttpUserApiOptions {
  /** The API's base URL (USER_API_URL), e.g. http://roster-api:3000 */
  baseUrl: string;
  /** Signs the actor token; by default with USER_API_SECRET (or the auth secret). */
  sign?: (actor: Principal) => Promise<string>;
  fetch?: typeof fetch;
}

type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
type Query = Record<string, string | string[]>;

const UNREACHABLE = "The user API cannot be reached; nothing was changed. Try again in a moment.";

/**
 * A user reference (id or email) as a URL path segment, for the API's core to parse as the
 * in-process core would. An empty one goes as a space (the core trims, then refuses both the
 * same way); a non-string cannot travel in a path and is refused here with the core's error.
 */
function refSegment(ref: unknown): string {
  const s = parseInput(z.string(), ref);
  return encodeURIComponent(s === "" ? " " : s);
}

/**
 * Raw query input as URL parameters: scalars as one value, arrays repeated, undefined left out.
 * Input a URL cannot carry (nested objects) goes as JSON text so the API's schema refuses it
 * the same way the core would.
 */
function toQuery(input: unknown): Query {
  if (input === undefined || input === null) return {};
  if (typeof input !== "object" || Array.isArray(input)) return { _input: JSON.stringify(input) };
  const out: Query = {};
  for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) out[k] = v.map((x) => (typeof x === "string" ? x : JSON.stringify(x)));
    else out[k] = typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v);
  }
  return out;
}

function errorFrom(status: number, body: unknown): RosterError {
  const e = (body as { error?: { code?: unknown; message?: unknown; fields?: unknown } } | null)?.error;
  if (e && typeof e.code === "string" && (ERROR_CODES as readonly string[]).includes(e.code) && typeof e.message === "string") {
    const err = new RosterError(e.code as ErrorCode, e.message, (e.fields as FieldErrors | undefined) ?? undefined);
    err.audited = true; // the API's core has recorded it
    return err;
  }
  return new RosterError("INTERNAL", `The user API answered ${status} without an error body; nothing is known to have changed.`);
}

/** A UserApi over HTTP. */
export function httpUserApi(opts: HttpUserApiOptions): UserApi {
  const base = `${opts.baseUrl.replace(/\/+$/, "")}/api/v1`;
  const doFetch = opts.fetch ?? fetch;
  const sign = opts.sign ?? ((actor: Principal) => signActorToken(actor));

  async function send(actor: Principal, method: Method, path: string, init: { query?: Query; body?: unknown } = {}) {
    const url = new URL(base + path);
    for (const [k, v] of Object.entries(init.query ?? {})) {
      for (const one of Array.isArray(v) ? v : [v]) url.searchParams.append(k, one);
    }
    const headers: Record<string, string> = { authorization: `Bearer ${await sign(actor)}`, accept: "application/json" };
    if (init.body !== undefined) headers["content-type"] = "application/json";
    let res: Response;
    try {
      res = await doFetch(url, {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        cache: "no-store",
        redirect: "error",
      });
    } catch (err) {
      console.error(`[roster] user API ${method} ${url.pathname} failed:`, err);
      throw new RosterError("INTERNAL", UNREACHABLE);
    }
    if (!res.ok) {
      const body = await res.json().catch(() => null);
      throw errorFrom(res.status, body);
    }
    return res;
  }

  async function json<T>(actor: Principal, method: Method, path: string, init: { query?: Query; body?: unknown } = {}) {
    const res = await send(actor, method, path, init);
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }

  // The raw input as the JSON body; undefined goes as no body, which the API reads as undefined.
  const body = (input: unknown) => input;

  // Outcome lists come wrapped, { data: [...] }, as every list the API answers.
  const data = async <T>(a: Principal, path: string, input: unknown) =>
    (await json<{ data: T[] }>(a, "POST", path, { body: body(input) })).data;

  // A streamed export: the filter and the format as the query, the file as the API sends it.
  async function file(a: Principal, path: string, query: unknown, format: unknown, fallbackName: string) {
    const q = toQuery(query);
    if (format !== undefined && format !== null) q.format = typeof format === "string" ? format : JSON.stringify(format);
    const res = await send(a, "GET", path, { query: q });
    const disposition = res.headers.get("content-disposition") ?? "";
    const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
    if (!res.body) throw new RosterError("INTERNAL", "The user API sent an empty export");
    return { filename, contentType: res.headers.get("content-type") ?? "application/octet-stream", body: res.body };
  }

  return {
    transport: "http",
    list: async (a, query) => json(a, "GET", "/users", { query: toQuery(query) }),
    get: async (a, ref) => json(a, "GET", `/users/${refSegment(ref)}`),
    stats: async (a) => json(a, "GET", "/users/stats"),
    timeline: async (a, ref, input) =>
      (await json<{ data: AuditEventDTO[] }>(a, "GET", `/users/${refSegment(ref)}/timeline`, { query: toQuery(input) })).data,
    export: async (a, query, format) => file(a, "/users/export", query, format, "roster-users"),
    overview: async (a) => json(a, "GET", "/overview"),
    auditEvents: async (a, query) => json(a, "GET", "/audit-events", { query: toQuery(query) }),
    exportAuditEvents: async (a, query, format) => file(a, "/audit-events/export", query, format, "roster-audit"),
    create: async (a, input) => {
      // POST /users reads a body with `emails` as an invitation; the core's create refuses that
      // field as unknown, and so does this transport, with the core's own error.
      if (input && typeof input === "object" && "emails" in input) parseInput(createUserSchema, input);
      return json(a, "POST", "/users", { body: body(input) });
    },
    invite: async (a, input) => data(a, "/users/invite", input),
    update: async (a, id, input) => json(a, "PATCH", `/users/${refSegment(id)}/profile`, { body: body(input) }),
    changeRole: async (a, id, input) => json(a, "PUT", `/users/${refSegment(id)}/role`, { body: body(input) }),
    deactivate: async (a, id) => json(a, "POST", `/users/${refSegment(id)}/deactivate`),
    reactivate: async (a, id) => json(a, "POST", `/users/${refSegment(id)}/reactivate`),
    delete: async (a, id) => json(a, "DELETE", `/users/${refSegment(id)}`),
    resetPassword: async (a, id, input) => json(a, "POST", `/users/${refSegment(id)}/reset-password`, { body: body(input) }),
    setPassword: async (a, id, input) => json(a, "PUT", `/users/${refSegment(id)}/password`, { body: body(input) }),
    endSessions: async (a, id) => json(a, "POST", `/users/${refSegment(id)}/sessions/revoke`),
    resendInvitation: async (a, id) => json(a, "POST", `/users/${refSegment(id)}/resend-invitation`),
    revokeInvitation: async (a, id) => json(a, "POST", `/users/${refSegment(id)}/revoke-invitation`),
    copyInvitationLink: async (a, id) => json(a, "POST", `/users/${refSegment(id)}/invitation-link`),
    bulkDelete: async (a, input) => data(a, "/users/bulk-delete", input),
    bulkDeactivate: async (a, input) => data(a, "/users/bulk-deactivate", input),
    bulkChangeRole: async (a, input) => data(a, "/users/bulk-change-role", input),
    changeOwnPassword: async (a, input) => json(a, "PUT", "/me/password", { body: body(input) }),
    listApiKeys: async (a) => (await json<{ data: ApiKeyDTO[] }>(a, "GET", "/api-keys")).data,
    createApiKey: async (a, input) => json(a, "POST", "/api-keys", { body: body(input) }),
    revokeApiKey: async (a, id) => json(a, "DELETE", `/api-keys/${encodeURIComponent(parseInput(z.string(), id) || " ")}`),
  };
}
