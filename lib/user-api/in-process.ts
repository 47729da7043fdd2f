import "server-only";
// The default transport: the core in this process, the same calls the REST routes make.
import { getUsersCore, type UsersCore } from "../users";
import type { UserApi } from "./types";

/** A UserApi over a core; by default the app's one core (getUsersCore). */
export function inProcessUserApi(core: () => Promise<UsersCore> = getUsersCore): UserApi {
  return {
    transport: "in-process",
    list: async (a, query) => (await core()).list(a, query ?? {}),
    get: async (a, ref) => (await core()).get(a, ref),
    stats: async (a) => (await core()).stats(a),
    timeline: async (a, ref, input) => (await core()).timeline(a, ref, input ?? {}),
    export: async (a, query, format) => (await core()).export(a, query, format),
    overview: async (a) => (await core()).overview(a),
    auditEvents: async (a, query) => (await core()).auditEvents(a, query ?? {}),
    exportAuditEvents: async (a, query, format) => (await core()).exportAuditEvents(a, query, format),
    create: async (a, input) => (await core()).create(a, input),
    invite: async (a, input) => (await core()).invite(a, input),
    update: async (a, id, input) => (await core()).update(a, id, input),
    changeRole: async (a, id, input) => (await core()).changeRole(a, id, input),
    deactivate: async (a, id) => (await core()).deactivate(a, id),
    reactivate: async (a, id) => (await core()).reactivate(a, id),
    delete: async (a, id) => (await core()).delete(a, id),
    resetPassword: async (a, id, input) => (await core()).resetPassword(a, id, input),
    setPassword: async (a, id, input) => (await core()).setPassword(a, id, input),
    endSessions: async (a, id) => (await core()).endSessions(a, id),
    resendInvitation: async (a, id) => (await core()).resendInvitation(a, id),
    revokeInvitation: async (a, id) => (await core()).revokeInvitation(a, id),
    copyInvitationLink: async (a, id) => (await core()).copyInvitationLink(a, id),
    bulkDelete: async (a, input) => (await core()).bulkDelete(a, input),
    bulkDeactivate: async (a, input) => (await core()).bulkDeactivate(a, input),
    bulkChangeRole: async (a, input) => (await core()).bulkChangeRole(a, input),
    changeOwnPassword: async (a, input) => (await core()).changeOwnPassword(a, input),
    listApiKeys: async (a) => (await core()).listApiKeys(a),
    createApiKey: async (a, input) => (await core()).createApiKey(a, input),
    revokeApiKey: async (a, id) => (await core()).revokeApiKey(a, id),
  };
}
