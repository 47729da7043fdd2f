import Link from "next/link";
import { Toaster } from "@/components/ui/toaster";
import { MainNav } from "@/components/shell/nav";
import { ThemeToggle } from "@/components/shell/theme-toggle";
import { SignOutButton } from "@/components/shell/sign-out-button";
import { requireUser } from "@/lib/auth/session";
import { CONSOLE_ROLES } from "@/lib/validation/enums";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  const hasConsole = (CONSOLE_ROLES as readonly string[]).includes(user.role);
  return (
    <div className="min-h-screen">
      <header className="border-b border-neutral-200 dark:border-neutral-800">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-4 px-6 py-3">
          <div className="flex items-center gap-6">
            <span className="font-semibold">Roster</span>
            {hasConsole ? <MainNav role={user.role} /> : null}
          </div>
          <div className="flex items-center gap-4 text-sm">
            <span>
              <span className="font-medium">{user.name || user.email}</span>
              <span className="text-neutral-600 dark:text-neutral-400"> · {user.role} · {user.orgName}</span>
            </span>
            <Link href="/change-password" className="underline-offset-2 hover:underline">Change password</Link>
            <ThemeToggle />
            <SignOutButton />
          </div>
        </div>
      </header>
      <div className="mx-auto max-w-6xl px-6 py-8">
        {hasConsole ? (
          <Toaster>{children}</Toaster>
        ) : (
          <main>
            <h1 className="text-2xl font-semibold">No access to the console</h1>
            <p className="mt-3 max-w-prose text-neutral-700 dark:text-neutral-300">
              You are signed in as {user.email}, a member of {user.orgName}. Members have no access to
              Roster&apos;s console; ask an administrator of {user.orgName} if you need it.
            </p>
          </main>
        )}
      </div>
    </div>
  );
}
