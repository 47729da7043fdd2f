"use server";

// The users page's server actions: each resolves the caller (authedAction) and calls one core
// operation, which parses the input and authorizes. Nothing here decides who may do what.
import { authedAction } from "@/lib/auth/action";
import { getUsersCore } from "@/lib/users";

export const updateUserAction = authedAction(async (p, id: unknown, input: unknown) =>
  (await getUsersCore()).update(p, id, input),
);

export const changeRoleAction = authedAction(async (p, id: unknown, input: unknown) =>
  (await getUsersCore()).changeRole(p, id, input),
);

export const deactivateUserAction = authedAction(async (p, id: unknown) =>
  (await getUsersCore()).deactivate(p, id),
);

export const reactivateUserAction = authedAction(async (p, id: unknown) =>
  (await getUsersCore()).reactivate(p, id),
);

export const deleteUserAction = authedAction(async (p, id: unknown) => (await getUsersCore()).delete(p, id));

export const resetPasswordAction = authedAction(async (p, id: unknown, input: unknown) =>
  (await getUsersCore()).resetPassword(p, id, input),
);

export const endSessionsAction = authedAction(async (p, id: unknown) =>
  (await getUsersCore()).endSessions(p, id),
);

export const resendInvitationAction = authedAction(async (p, id: unknown) =>
  (await getUsersCore()).resendInvitation(p, id),
);

export const revokeInvitationAction = authedAction(async (p, id: unknown) =>
  (await getUsersCore()).revokeInvitation(p, id),
);

export const copyInvitationLinkAction = authedAction(async (p, id: unknown) =>
  (await getUsersCore()).copyInvitationLink(p, id),
);

export const inviteUsersAction = authedAction(async (p, input: unknown) => (await getUsersCore()).invite(p, input));

export const createUserAction = authedAction(async (p, input: unknown) => (await getUsersCore()).create(p, input));
