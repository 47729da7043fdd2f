import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { oidcProvider } from "@/lib/auth/oidc";
import { currentUser } from "@/lib/auth/session";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  if (await currentUser()) redirect("/");
  const oidc = oidcProvider();
  const { error } = await searchParams;
  return (
    <main className="mx-auto flex min-h-screen max-w-sm flex-col justify-center px-6">
      <h1 className="text-2xl font-semibold tracking-tight">Sign in to Roster</h1>
      <p className="mt-2 text-sm text-neutral-600 dark:text-neutral-400">Use the email and password your administrator gave you.</p>
      {error === "sso" ? (
        <p role="alert" className="mt-6 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200">
          That account has no access to Roster. Ask an administrator to invite you with the same email.
        </p>
      ) : null}
      <SignInForm ssoName={oidc ? oidc.name : null} />
    </main>
  );
}
