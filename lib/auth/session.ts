import "server-only";
import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getUsersCore, type Principal } from "../users";
import { authOptions } from "./options";

interface Claims {
  uid?: string;
  orgId?: string;
  sv?: number;
}

/** The signed-in person as the database knows them now, or null (once per request). */
export const currentUser = cache(async () => {
  const session = (await getServerSession(authOptions)) as Claims | null;
  if (!session?.uid || !session.orgId || typeof session.sv !== "number") return null;
  const core = await getUsersCore();
  return core.sessionUser({ userId: session.uid, orgId: session.orgId, sessionVersion: session.sv });
});

export type CurrentUser = NonNullable<Awaited<ReturnType<typeof currentUser>>>;

/** The caller as a principal for the core (which re-checks it against the database). */
export async function currentPrincipal(): Promise<Principal | null> {
  const user = await currentUser();
  if (!user) return null;
  const h = await headers();
  return {
    kind: "session",
    userId: user.userId,
    orgId: user.orgId,
    email: user.email,
    role: user.role,
    sessionVersion: user.sessionVersion,
    ip: h.get("x-forwarded-for")?.split(",")[0]?.trim() ?? null,
    userAgent: h.get("user-agent"),
  };
}

/** For console pages: the signed-in user, or a redirect to sign in (or to change a temporary password). */
export async function requireUser(opts: { allowPasswordChange?: boolean } = {}): Promise<CurrentUser> {
  const user = await currentUser();
  if (!user) redirect("/sign-in");
  if (user.mustChangePassword && !opts.allowPasswordChange) redirect("/change-password");
  return user;
}
