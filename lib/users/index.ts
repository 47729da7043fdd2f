import "server-only";
// The domain core: every operation on users, each taking the caller (a Principal) and raw
// input that it parses itself. Doors (server actions, REST routes) only resolve the caller,
// call one of these, and map errors.
import { appUrl, env } from "../config";
import { getDatabase, type Db } from "../db/client";
import type { CoreConfig, CoreDeps } from "./context";
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
  reactivateUser,
  resetPassword,
  setPassword,
  updateUser,
} from "./lifecycle";
import { getUser, listUsers } from "./list";
import type { Principal } from "./types";

export * from "./types";
export { RosterError, toErrorBody } from "./errors";

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
      ...config,
    },
  };
  const bind = <F extends (deps: CoreDeps, ...args: never[]) => unknown>(f: F) =>
    ((...args: never[]) => f(deps, ...args)) as Bound<F>;
  return {
    deps,
    list: bind(listUsers),
    get: bind(getUser),
    create: bind(createUser),
    invite: bind(inviteUsers),
    update: bind(updateUser),
    changeRole: bind(changeRole),
    deactivate: bind(deactivateUser),
    reactivate: bind(reactivateUser),
    delete: bind(deleteUser),
    bulkDelete: bind(bulkDelete),
    bulkDeactivate: bind(bulkDeactivate),
    bulkChangeRole: bind(bulkChangeRole),
    setPassword: bind(setPassword),
    resetPassword: bind(resetPassword),
    changeOwnPassword: bind(changeOwnPassword),
    endSessions: bind(endSessions),
    resendInvitation: bind(resendInvitation),
    revokeInvitation: bind(revokeInvitation),
    copyInvitationLink: (principal: Principal, ref: unknown) =>
      resendInvitation(deps, principal, ref, { send: false }),
    previewInvitation: (token: unknown) => previewToken(deps, token, "invitation"),
    acceptInvitation: (input: unknown, meta?: { ip?: string | null; userAgent?: string | null }) =>
      redeemToken(deps, input, "invitation", meta),
    previewPasswordReset: (token: unknown) => previewToken(deps, token, "password_reset"),
    completePasswordReset: (input: unknown, meta?: { ip?: string | null; userAgent?: string | null }) =>
      redeemToken(deps, input, "password_reset", meta),
  };
}

export type UsersCore = ReturnType<typeof createUsersCore>;

const globalForCore = globalThis as unknown as { __rosterCore?: Promise<UsersCore> };

/** The app's core over the app's one database. */
export function getUsersCore(): Promise<UsersCore> {
  globalForCore.__rosterCore ??= getDatabase().then((d) => createUsersCore(d.db));
  return globalForCore.__rosterCore;
}
