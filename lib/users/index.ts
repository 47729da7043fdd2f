import "server-only";
// The domain core: every operation on users, each taking the caller (a Principal) and raw
// input that it parses itself. Doors (server actions, REST routes) only resolve the caller,
// call one of these, and map errors.
import { appUrl, env } from "../config";
import { getDatabase, type Db } from "../db/client";
import { createSearchIndexMerger } from "../db/search-index";
import { mailQueued } from "../mail/signal";
import { auditRejectedInput, type CoreConfig, type CoreDeps } from "./context";
import { RosterError } from "./errors";
import { authenticate, authenticateExternal, sessionUser } from "./auth";
import { authenticateApiKey, createApiKey, listApiKeys, revokeApiKey } from "./api-keys";
import { bulkChangeRole, bulkDeactivate, bulkDelete } from "./bulk";
import {
  createUser,
  inviteUsers,
  previewToken,
  redeemToken,
  resendInvitation,
  revokeInvitation,
} from "./invitations";
import {
  changeOwnPassword,
  changeRole,
  deactivateUser,
  deleteUser,
  endSessions,
  patchUser,
  reactivateUser,
  resetPassword,
  setPassword,
  updateUser,
} from "./lifecycle";
import { exportAuditEvents, listAuditEvents } from "./audit-log";
import { exportUsers } from "./export";
import { getUser, listUsers, SEARCH_MATCHES_FIRST_BELOW, SEARCH_PARTITIONS_ABOVE } from "./list";
import { overview } from "./overview";
import { userStats } from "./stats";
import { userTimeline } from "./timeline";
import type { Principal } from "./types";

export * from "./types";
export type { AuditEventDTO, ListAuditEventsResult } from "./audit-log";
export type { OverviewDTO, OverviewFigure, OverviewInvitation } from "./overview";
export { RosterError, toErrorBody } from "./errors";
export { SIGN_IN_FAILED, type SignedIn } from "./auth";
export { IDEMPOTENCY_TTL_HOURS, type IdempotencyOptions } from "./idempotency";

type Bound<F> = F extends (deps: CoreDeps, ...args: infer A) => infer R ? (...args: A) => R : never;

/** Builds the core over a database; tests build one per database, the app one per process. */
export function createUsersCore(db: Db, config: Partial<CoreConfig> = {}, now = () => new Date()) {
  const e = env();
  const deps: CoreDeps = {
    db,
    now,
    config: {
      appUrl: appUrl(e),
      invitationTtlHours: e.INVITATION_TTL_HOURS,
      passwordResetTtlHours: e.PASSWORD_RESET_TTL_HOURS,
      bulkChunkSize: e.BULK_CHUNK_SIZE,
      searchMatchesFirstBelow: SEARCH_MATCHES_FIRST_BELOW,
      searchPartitionsAbove: SEARCH_PARTITIONS_ABOVE,
      ...config,
    },
  };
  // Writes leave trigram entries pending; they are merged after commit, off the request's path.
  const searchIndex = createSearchIndexMerger(db);
  const bind = <F extends (deps: CoreDeps, ...args: never[]) => unknown>(f: F) =>
    ((...args: never[]) => f(deps, ...args)) as Bound<F>;
  // Mutations: input refused before the operation ran is audited like any other refusal.
  const mutation = <F extends (deps: CoreDeps, principal: Principal, ...args: never[]) => Promise<unknown>>(
    action: string,
    f: F,
  ) =>
    (async (principal: Principal, ...args: never[]) => {
      try {
        const result = await f(deps, principal, ...args);
        searchIndex.kick();
        return result;
      } catch (err) {
        if (err instanceof RosterError) await auditRejectedInput(deps, principal, action, err, args[0]);
        throw err;
      }
    }) as Bound<F>;
  // Operations that may queue an email: the app's sender is told once they have committed.
  const mailing = <F extends (...args: never[]) => Promise<unknown>>(f: F) =>
    (async (...args: Parameters<F>) => {
      const result = await f(...args);
      mailQueued();
      return result;
    }) as F;
  // Other operations that write users rows (sign-in stamps last_login_at; a redeemed token sets status).
  const writing = <F extends (...args: never[]) => Promise<unknown>>(f: F) =>
    (async (...args: Parameters<F>) => {
      const result = await f(...args);
      searchIndex.kick();
      return result;
    }) as F;
  return {
    deps,
    /** The background merge of the trigram indexes' pending entries (`idle()` for benches and tests). */
    searchIndex,
    list: bind(listUsers),
    get: bind(getUser),
    // A read that writes its own audit event; refused input (a bad format) is audited too.
    export: mutation("users.exported", exportUsers),
    stats: bind(userStats),
    /** The overview page's figures, each with the users-list filter it links to. */
    overview: bind(overview),
    timeline: bind(userTimeline),
    /** The audit log: filtered, keyset-paginated, newest first (admins and auditors). */
    auditEvents: bind(listAuditEvents),
    // Audited as "audit.exported", refused input included.
    exportAuditEvents: mutation("audit.exported", exportAuditEvents),
    create: mailing(mutation("user.created", createUser)),
    invite: mailing(mutation("user.invited", inviteUsers)),
    update: mutation("user.updated", updateUser),
    changeRole: mutation("user.role_changed", changeRole),
    patch: mutation("user.updated", patchUser),
    deactivate: mutation("user.deactivated", deactivateUser),
    reactivate: mutation("user.reactivated", reactivateUser),
    delete: mutation("user.deleted", deleteUser),
    bulkDelete: mutation("user.deleted", bulkDelete),
    bulkDeactivate: mutation("user.deactivated", bulkDeactivate),
    bulkChangeRole: mutation("user.role_changed", bulkChangeRole),
    setPassword: mutation("user.password_set", setPassword),
    resetPassword: mailing(mutation("user.password_reset", resetPassword)),
    changeOwnPassword: mutation("user.password_changed", changeOwnPassword),
    endSessions: mutation("user.sessions_revoked", endSessions),
    resendInvitation: mailing(mutation("invitation.resent", resendInvitation)),
    revokeInvitation: mutation("invitation.revoked", revokeInvitation),
    copyInvitationLink: mutation("invitation.link_copied", (d: CoreDeps, principal: Principal, ref: unknown) =>
      resendInvitation(d, principal, ref, { send: false }),
    ),
    createApiKey: mutation("api_key.created", createApiKey),
    listApiKeys: bind(listApiKeys),
    revokeApiKey: mutation("api_key.revoked", revokeApiKey),
    authenticateApiKey: bind(authenticateApiKey),
    authenticate: writing(bind(authenticate)),
    authenticateExternal: writing(bind(authenticateExternal)),
    sessionUser: bind(sessionUser),
    previewInvitation: (token: unknown) => previewToken(deps, token, "invitation"),
    acceptInvitation: writing((input: unknown, meta?: { ip?: string | null; userAgent?: string | null }) =>
      redeemToken(deps, input, "invitation", meta),
    ),
    previewPasswordReset: (token: unknown) => previewToken(deps, token, "password_reset"),
    completePasswordReset: writing((input: unknown, meta?: { ip?: string | null; userAgent?: string | null }) =>
      redeemToken(deps, input, "password_reset", meta),
    ),
  };
}

export type UsersCore = ReturnType<typeof createUsersCore>;

const globalForCore = globalThis as unknown as { __rosterCore?: Promise<UsersCore> };

/** The app's core over the app's one database. */
export function getUsersCore(): Promise<UsersCore> {
  globalForCore.__rosterCore ??= getDatabase().then((d) => createUsersCore(d.db));
  return globalForCore.__rosterCore;
}
