"use client";

/** Signs out through next-auth; its client (next-auth/react) loads on the click, not with every console page. */
export function SignOutButton() {
  return (
    <button type="button" onClick={() => void import("next-auth/react").then((m) => m.signOut({ callbackUrl: "/sign-in" }))}
      className="rounded-md border border-neutral-300 px-3 py-1.5 text-sm hover:bg-neutral-100 dark:border-neutral-700 dark:hover:bg-neutral-800">
      Sign out
    </button>
  );
}
