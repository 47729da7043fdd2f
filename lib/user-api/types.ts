// The one typed interface the console (server actions, server pages, the export route) uses to
// reach the user API. Two transports implement it: in-process (the core, in this process) and
// HTTP (the REST API at USER_API_URL, acting as the signed-in person with an actor token).
// Methods take the acting person (already resolved from the session) and raw input, which the
// core parses; they return DTOs and throw RosterError with the same code, message and fields
// whichever transport carried the call.
import type { UsersCore } from "../users";
import type { Principal } from "../users/types";

type Result<K extends keyof UsersCore> = UsersCore[K] extends (...args: never[]) => infer R ? Awaited<R> : never;

export interface UserApi {
  /** Which transport this is ("in-process" or "http"), for logs and tests. */
  readonly transport: "in-process" | "http";

  // Reads
  list(actor: Principal, query?: unknown): Promise<Result<"list">>;
  get(actor: Principal, idOrEmail: unknown): Promise<Result<"get">>;
  stats(actor: Principal): Promise<Result<"stats">>;
  timeline(actor: Principal, idOrEmail: unknown, input?: unknown): Promise<Result<"timeline">>;
  /** The whole filter as a file, streamed (audited once as users.exported). */
  export(actor: Principal, query: unknown, format: unknown): Promise<Result<"export">>;
  /** The organization at a glance (the console's `/`). */
  overview(actor: Principal): Promise<Result<"overview">>;
  /** One page of the audit log (filters, keyset cursor), newest first. */
  auditEvents(actor: Principal, query?: unknown): Promise<Result<"auditEvents">>;
  /** The audit log's filter as a file, streamed (audited once as audit.exported). */
  exportAuditEvents(actor: Principal, query: unknown, format: unknown): Promise<Result<"exportAuditEvents">>;

  // One user
  create(actor: Principal, input: unknown): Promise<Result<"create">>;
  invite(actor: Principal, input: unknown): Promise<Result<"invite">>;
  update(actor: Principal, id: unknown, input: unknown): Promise<Result<"update">>;
  changeRole(actor: Principal, id: unknown, input: unknown): Promise<Result<"changeRole">>;
  deactivate(actor: Principal, id: unknown): Promise<Result<"deactivate">>;
  reactivate(actor: Principal, id: unknown): Promise<Result<"reactivate">>;
  delete(actor: Principal, id: unknown): Promise<Result<"delete">>;
  resetPassword(actor: Principal, id: unknown, input: unknown): Promise<Result<"resetPassword">>;
  setPassword(actor: Principal, id: unknown, input: unknown): Promise<Result<"setPassword">>;
  endSessions(actor: Principal, id: unknown): Promise<Result<"endSessions">>;
  resendInvitation(actor: Principal, id: unknown): Promise<Result<"resendInvitation">>;
  revokeInvitation(actor: Principal, id: unknown): Promise<Result<"revokeInvitation">>;
  copyInvitationLink(actor: Principal, id: unknown): Promise<Result<"copyInvitationLink">>;

  // Many users: one outcome per input item, in input order
  bulkDelete(actor: Principal, input: unknown): Promise<Result<"bulkDelete">>;
  bulkDeactivate(actor: Principal, input: unknown): Promise<Result<"bulkDeactivate">>;
  bulkChangeRole(actor: Principal, input: unknown): Promise<Result<"bulkChangeRole">>;

  // The acting person themselves
  changeOwnPassword(actor: Principal, input: unknown): Promise<Result<"changeOwnPassword">>;
  /** Their own API keys (never a secret, except once in createApiKey's answer). */
  listApiKeys(actor: Principal): Promise<Result<"listApiKeys">>;
  createApiKey(actor: Principal, input: unknown): Promise<Result<"createApiKey">>;
  revokeApiKey(actor: Principal, id: unknown): Promise<Result<"revokeApiKey">>;
}

/** The operations, for code that walks them all (the contract test, the transports). */
export type UserApiMethod = Exclude<keyof UserApi, "transport">;
