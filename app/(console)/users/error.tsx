"use client";

import { UsersLoadError } from "@/components/users/users-load-error";

// `retry` fetches the segment from the server again and re-renders it (`reset` would only
// re-render what already failed, which cannot recover from a server error).
export default function UsersError({ error, retry }: { error: Error & { digest?: string }; retry: () => void }) {
  return (
    <main>
      <h1 className="text-2xl font-semibold tracking-tight">Users</h1>
      <UsersLoadError detail={`Something went wrong on our side${error.digest ? ` (reference ${error.digest})` : ""}.`} onRetry={() => retry()} />
    </main>
  );
}
