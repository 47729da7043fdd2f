import type { Metadata } from "next";
import { InvalidLink } from "@/components/auth/invalid-link";
import { TokenPasswordForm } from "@/components/auth/token-password-form";
import { formatExpiry } from "@/lib/mail/templates";
import { getUsersCore, RosterError } from "@/lib/users";
import { INVALID_LINK } from "@/lib/users/invitations";
import { completePasswordResetAction } from "./actions";

// The token is in the address: never send it on as a referrer, never index the page.
export const metadata: Metadata = { title: "Choose a new password", referrer: "no-referrer", robots: { index: false, follow: false } };
export const dynamic = "force-dynamic";

/** What a password-reset link opens. Viewing it consumes nothing; the form's submit does. */
export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const core = await getUsersCore();
  const reset = await core.previewPasswordReset(token).catch((err: unknown) => {
    if (err instanceof RosterError) return null;
    throw err;
  });
  if (!reset) return <InvalidLink message={INVALID_LINK} />;
  return (
    <main className="mx-auto flex min-h-screen max-w-sm flex-col justify-center px-6 py-10">
      <h1 className="text-2xl font-semibold tracking-tight">Choose a new password</h1>
      <p className="mt-3 text-sm text-neutral-700 dark:text-neutral-300">
        For <strong>{reset.email}</strong>{reset.orgName ? <> at {reset.orgName}</> : null}. Your previous password no longer
        works; you will be signed in with the new one.
      </p>
      <p className="mt-2 text-sm text-neutral-600 dark:text-neutral-400">This link expires on {formatExpiry(reset.expiresAt)}.</p>
      <TokenPasswordForm token={token} email={reset.email} submitLabel="Set new password" action={completePasswordResetAction} />
    </main>
  );
}
