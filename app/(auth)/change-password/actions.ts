"use server";

import { authedAction } from "@/lib/auth/action";
import { getUsersCore } from "@/lib/users";

/** Changes the signed-in person's own password (the current one is required). */
export const changePassword = authedAction(async (principal, input: unknown) => {
  const core = await getUsersCore();
  const user = await core.changeOwnPassword(principal, input);
  return { email: user.email };
});
