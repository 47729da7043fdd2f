"use server";

import { tokenAction } from "@/lib/auth/action";
import { getUsersCore } from "@/lib/users";

/**
 * Accepts an invitation (the form's POST; a GET of the link never does): sets the name and
 * password and activates the account. The token is the credential; the core checks it.
 */
export const acceptInvitationAction = tokenAction(async (meta, input: unknown) => {
  const user = await (await getUsersCore()).acceptInvitation(input, meta);
  return { email: user.email };
});
