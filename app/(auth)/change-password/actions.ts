"use server";

import { authedAction } from "@/lib/auth/action";
import { userApi } from "@/lib/user-api";

/** Changes the signed-in person's own password (the current one is required). */
export const changePassword = authedAction(async (principal, input: unknown) => {
  const user = await userApi().changeOwnPassword(principal, input);
  return { email: user.email };
});
