"use server";

import { tokenAction } from "@/lib/auth/action";
import { getUsersCore } from "@/lib/users";

/** Sets a new password from a reset link (the form's POST); the user's other sessions end. */
export const completePasswordResetAction = tokenAction(async (meta, input: unknown) => {
  const user = await (await getUsersCore()).completePasswordReset(input, meta);
  return { email: user.email };
});
