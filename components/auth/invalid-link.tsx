import Link from "next/link";

/** The one answer to every dead link: used, expired, superseded, revoked, or its user gone. */
export function InvalidLink({ message }: { message: string }) {
  return (
    <main className="mx-auto flex min-h-screen max-w-sm flex-col justify-center px-6">
      <h1 className="text-2xl font-semibold tracking-tight">This link cannot be used</h1>
      <p role="alert" className="mt-3 text-sm text-neutral-700 dark:text-neutral-300">{message}</p>
      <p className="mt-6 text-sm">
        <Link href="/sign-in" className="underline underline-offset-2">Go to sign in</Link>
      </p>
    </main>
  );
}
