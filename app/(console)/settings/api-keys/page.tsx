import type { Metadata } from "next";
import Link from "next/link";
import { ApiKeysManager } from "@/components/api-keys/api-keys-manager";
import { currentPrincipal, requireUser } from "@/lib/auth/session";
import { getUsersCore } from "@/lib/users";
import { can, ROLE_SCOPES } from "@/lib/users/policy";

export const metadata: Metadata = { title: "API keys" };
export const dynamic = "force-dynamic";

export default async function ApiKeysPage() {
  const user = await requireUser();
  const principal = await currentPrincipal();
  const allowed = can({ role: user.role }, "api_keys:own");
  const keys = allowed && principal ? await (await getUsersCore()).listApiKeys(principal) : [];
  return (
    <main>
      <h1 className="text-2xl font-semibold tracking-tight">API keys</h1>
      <p className="mt-2 max-w-prose text-neutral-600 dark:text-neutral-400">
        Keys let scripts and other systems use the <Link href="/settings/api" className="underline">REST API</Link> as
        you, within the scopes you give them and never beyond your role. A key is shown once, when you create it.
      </p>
      {allowed ? (
        <ApiKeysManager keys={keys} scopes={[...ROLE_SCOPES[user.role]]} />
      ) : (
        <p className="mt-6">Your role cannot hold API keys.</p>
      )}
    </main>
  );
}
