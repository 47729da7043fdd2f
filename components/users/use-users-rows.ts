"use client";

import { useEffect, useState } from "react";
import type { ListUsersResult } from "@/lib/users/types";

interface Shown {
  result: ListUsersResult;
  /** The list key (usersListKey) the rows belong to. */
  key: string;
}

/**
 * The page of users the table shows, for the URL's list key. The server page renders rows (first
 * load, reload, the refresh after a change, the drawer's navigation): those are the newest. When
 * the filters, sort or page change in the browser, the URL changes without a server render and
 * this fetches `/users/rows` for the new key: the newest key wins, a request for an older one is
 * aborted. A failed request is shown with a retry, and the rows shown stay those of the old key.
 */
export function useUsersRows(fromServer: ListUsersResult, serverKey: string, key: string) {
  const [shown, setShown] = useState<Shown>({ result: fromServer, key: serverKey });
  const [lastFromServer, setLastFromServer] = useState(fromServer);
  const [failure, setFailure] = useState<{ key: string; message: string } | null>(null);
  const [attempt, setAttempt] = useState(0);
  if (fromServer !== lastFromServer) {
    setLastFromServer(fromServer);
    setShown({ result: fromServer, key: serverKey });
  }
  const failed = failure?.key === key ? failure.message : null;

  useEffect(() => {
    if (shown.key === key) return;
    const controller = new AbortController();
    fetch(`/users/rows${key}`, { signal: controller.signal, headers: { accept: "application/json" }, cache: "no-store" })
      .then(async (res) => {
        // Signed out meanwhile (the session ended or expired): the page itself sends to sign-in.
        if (res.status === 401) return window.location.reload();
        const body = (await res.json().catch(() => null)) as (ListUsersResult & { error?: { message?: string } }) | null;
        if (!res.ok || !body || body.error) {
          const said = body?.error?.message;
          throw new Error(said ? `${said.replace(/\.?$/, ".")}` : `The server answered ${res.status}.`);
        }
        setShown({ result: body, key });
      })
      .catch((err: unknown) => {
        if (controller.signal.aborted) return;
        // fetch itself fails (a TypeError) when the connection does: say that, not the browser's words.
        const message = err instanceof TypeError ? "The connection to the server failed." : err instanceof Error ? err.message : String(err);
        setFailure({ key, message });
      });
    return () => controller.abort();
  }, [key, shown.key, attempt]);

  return {
    result: shown.result,
    /** Rows for the URL's key are on their way. */
    loading: shown.key !== key && failed === null,
    /** Why the rows for the URL's key could not be read (the rows shown are older). */
    error: failed,
    retry: () => {
      setFailure(null);
      setAttempt((n) => n + 1);
    },
  };
}
