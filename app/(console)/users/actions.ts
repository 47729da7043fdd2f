"use server";

// The users page's server actions: each resolves the caller (authedAction) and makes one user API
// call (lib/user-api: in-process or HTTP); the core behind it parses the input
// and authorizes. Nothing here decides who may do what.
import { authedAction } from "@/lib/auth/action";
import { userApi } from "@/lib/user-api";

export const updateUserAction = authedAction(async (p, id: unknown, input: unknown) =>
  userApi().update(p, id, input),
);

export const changeRoleAction = authedAction(async (p, id: unknown, input: unknown) =>
  userApi().changeRole(p, id, input),
);

export const deactivateUserAction = authedAction(async (p, id: unknown) =>
  userApi().deactivate(p, id),
);

export const reactivateUserAction = authedAction(async (p, id: unknown) =>
  userApi().reactivate(p, id),
);

export const deleteUserAction = authedAction(async (p, id: unknown) => userApi().delete(p, id));

export const resetPasswordAction = authedAction(async (p, id: unknown, input: unknown) =>
  userApi().resetPassword(p, id, input),
);

export const endSessionsAction = authedAction(async (p, id: unknown) =>
  userApi().endSessions(p, id),
);

export const resendInvitationAction = authedAction(async (p, id: unknown) =>
  userApi().resendInvitation(p, id),
);

export const revokeInvitationAction = authedAction(async (p, id: unknown) =>
  userApi().revokeInvitation(p, id),
);

export const copyInvitationLinkAction = authedAction(async (p, id: unknown) =>
  userApi().copyInvitationLink(p, id),
);

export const inviteUsersAction = authedAction(async (p, input: unknown) => userApi().invite(p, input));

export const createUserAction = authedAction(async (p, input: unknown) => userApi().create(p, input));

// Bulk operations: `{ ids | emails | items | filter, dryRun?, role? }` (the core parses it);
// one outcome per input, in input order. The dialog dry-runs first (the preview), then sends
// the rows in chunks to show progress.
export const bulkDeleteAction = authedAction(async (p, input: unknown) => userApi().bulkDelete(p, input));

export const bulkDeactivateAction = authedAction(async (p, input: unknown) => userApi().bulkDeactivate(p, input));

export const bulkChangeRoleAction = authedAction(async (p, input: unknown) => userApi().bulkChangeRole(p, input));
