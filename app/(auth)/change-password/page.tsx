import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/session";
import { ChangePasswordForm } from "./change-password-form";

export const metadata: Metadata = { title: "Change password" };
export const dynamic = "force-dynamic";

export default async function ChangePasswordPage() {
  const user = await requireUser({ allowPasswordChange: true });
  return (
    <main className="mx-auto flex min-h-screen max-w-sm flex-col justify-center px-6">
      <h1 className="text-2xl font-semibold tracking-tight">Change password</h1>
      <p className="mt-2 text-sm text-neutral-600 dark:text-neutral-400">
        {user.mustChangePassword
          ? "You signed in with a temporary password. Choose your own to continue."
          : `Signed in as ${user.email}. Your other sessions end when you change it.`}
      </p>
      <ChangePasswordForm email={user.email} />
    </main>
  );
}
