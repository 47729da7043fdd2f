import type { Metadata } from "next";
import { InvalidLink } from "@/components/auth/invalid-link";
import { TokenPasswordForm } from "@/components/auth/token-password-form";
import { ROLE_LABELS } from "@/components/users/format";
import { formatExpiry } from "@/lib/mail/templates";
import { getUsersCore, RosterError } from "@/lib/users";
import { INVALID_LINK } from "@/lib/users/invitations";
import { acceptInvitationAction } from "./actions";

// The token is in the address: never send it on as a referrer, never index the page.
export const metadata: Metadata = { title: "Accept invitation", referrer: "no-referrer", robots: { index: false, follow: false } };
export const dynamic = "force-dynamic";

/** What an invitation link opens: who invited you to what. Viewing it consumes nothing. */
export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const core = await getUsersCore();
  const invitation = await core.previewInvitation(token).catch((err: unknown) => {
    if (err instanceof RosterError) return null;
    throw err;
  });
  if (!invitation) return <InvalidLink message={INVALID_LINK} />;
  const org = invitation.orgName || "an organization";
  return (
    <main className="mx-auto flex min-h-screen max-w-sm flex-col justify-center px-6 py-10">
      <h1 className="text-2xl font-semibold tracking-tight">Join {org} on Roster</h1>
      <p className="mt-3 text-sm text-neutral-700 dark:text-neutral-300">
        {invitation.inviter ? <>{invitation.inviter} invited you</> : <>You are invited</>} to join {org} as{" "}
        {ROLE_LABELS[invitation.role].toLowerCase()}. You will sign in as <strong>{invitation.email}</strong>.
      </p>
      <p className="mt-2 text-sm text-neutral-600 dark:text-neutral-400">
        This invitation expires on {formatExpiry(invitation.expiresAt)}. Choose your password to accept it.
      </p>
      <TokenPasswordForm token={token} email={invitation.email} name={invitation.name} submitLabel="Accept invitation"
        action={acceptInvitationAction} />
    </main>
  );
}
