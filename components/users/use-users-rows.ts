"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { ListUsersResult } from "@/lib/users/types";

interface Shown {
  result: ListUsersResult;
  /** The list key (usersListKey) the rows belong to. */
  key: string;
}

interface Request {
  key: string;
  controller: AbortController;
  promise: Promise<ListUsersResult>;
  /** Taken by the effect that shows its outcome: from then on the key is read afresh. */
  taken: boolean;
}

/** Signed out meanwhile (the session ended or expired): the page itself sends to sign-in. */
const SIGNED_OUT = new Error("signed out");

function requestRows(key: string): Request {
  const controller = new AbortController();
  const promise = fetch(`/users/rows${key}`, {
    signal: controller.signal,
    headers: { accept: "application/json" },
    cache: "no-store",
  }).then(async (res) => {
    if (res.status === 401) {
      window.location.reload();
      throw SIGNED_OUT;
    }
    const body = (await res.json().catch(() => null)) as (ListUsersResult & { error?: { message?: string } }) | null;
    if (!res.ok || !body || body.error) {
      const said = body?.error?.message;
      throw new Error(said ? said.replace(/\.?$/, ".") : `The server answered ${res.status}.`);
    }
    return body;
  });
  // Whoever awaits it handles a failure; an abandoned request must not be an unhandled rejection.
  promise.catch(() => {});
  return { key, controller, promise, taken: false };
}

/** What a failed request says: fetch itself fails (a TypeError) when the connection does. */
const failureMessage = (err: unknown) =>
  err instanceof TypeError ? "The connection to the server failed." : err instanceof Error ? err.message : String(err);

/**
 * The page of users the table shows, for the URL's list key. The server page renders rows (first
 * load, reload, the refresh after a change, the drawer's navigation): those are the newest. When
 * the filters, sort or page change in the browser, the URL changes without a server render and
 * this fetches `/users/rows` for the new key: the newest key wins, a request for an older one is
 * aborted. `prefetch(key)` starts that request from the event that changes the URL, before React
 * has rendered the change. A failed request is shown with a retry; the rows shown stay the old
 * key's.
 */
export function useUsersRows(fromServer: ListUsersResult, serverKey: string, key: string) {
  const [shown, setShown] = useState<Shown>({ result: fromServer, key: serverKey });
  const [lastFromServer, setLastFromServer] = useState(fromServer);
  const [failure, setFailure] = useState<{ key: string; message: string } | null>(null);
  const [attempt, setAttempt] = useState(0);
  const inflight = useRef<Request | null>(null);
  /** A key whose outcome load() recorded before the URL took it: its effect has nothing to read. */
  const loaded = useRef<string | null>(null);
  /** What load() is reading. */
  const loading = useRef<Request | null>(null);
  if (fromServer !== lastFromServer) {
    setLastFromServer(fromServer);
    setShown({ result: fromServer, key: serverKey });
  }
  // A failure stands only until rows for its key are shown (a later fetch, or the server's).
  const failed = failure?.key === key && shown.key !== key ? failure.message : null;

  /**
   * The request for `k`: the one started for `k` (by a prefetch) if no effect has taken it yet
   * and it was not aborted, else a new one (the old one aborted). A key read again later (Back,
   * or after a server render showed other rows) is read afresh, never replayed.
   */
  const request = (k: string) => {
    const current = inflight.current;
    if (current?.key === k && !current.taken && !current.controller.signal.aborted) return current;
    current?.controller.abort();
    inflight.current = requestRows(k);
    return inflight.current;
  };

  useEffect(() => {
    if (shown.key === key) return;
    if (loaded.current === key) {
      // Its failure is shown already (load); a later visit to the key reads it afresh.
      loaded.current = null;
      return;
    }
    loaded.current = null;
    const r = request(key);
    r.taken = true;
    let current = true;
    r.promise.then(
      (result) => {
        if (!current) return;
        setShown({ result, key });
        setFailure((f) => (f?.key === key ? null : f));
      },
      (err: unknown) => {
        if (!current || err === SIGNED_OUT) return;
        // Aborted while its key is still the URL's (a prefetch for a key the URL did not take):
        // ask again.
        if (r.controller.signal.aborted) return setAttempt((n) => n + 1);
        setFailure({ key, message: failureMessage(err) });
      },
    );
    return () => {
      current = false;
    };
  }, [key, shown.key, attempt]);

  const cancelLoad = useCallback(() => {
    loading.current?.controller.abort();
    loading.current = null;
  }, []);

  useEffect(
    () => () => {
      inflight.current?.controller.abort();
      loading.current?.controller.abort();
    },
    [],
  );

  return {
    result: shown.result,
    /** Rows for the URL's key are on their way. */
    loading: shown.key !== key && failed === null,
    /** Why the rows for the URL's key could not be read (the rows shown are older). */
    error: failed,
    /** Starts reading the rows of a key the URL is about to have. */
    prefetch: (k: string) => {
      if (k !== shown.key) request(k);
    },
    /**
     * Reads the rows of a key before the URL takes it (the search box: the URL changes once its
     * rows are here, so nothing renders while they are on their way). Once read, and if
     * `wanted()` still holds, shows them (or records their failure) and calls `then` with true
     * (or false) in the same task, so that the caller's URL change renders with them; with null
     * when they were not wanted any more, or the request was aborted (a newer one replaced it).
     */
    load: (k: string, wanted: () => boolean, then: (outcome: boolean | null) => void) => {
      loading.current?.controller.abort();
      loading.current = null;
      if (k === shown.key) return then(wanted() ? true : null);
      // Its own request, beside the URL's: neither aborts the other (the URL's key has not changed).
      const r = requestRows(k);
      loading.current = r;
      r.promise.finally(() => {
        if (loading.current === r) loading.current = null;
      }).catch(() => {});
      r.promise.then(
        (result) => {
          if (!wanted()) return then(null);
          setShown({ result, key: k });
          setFailure((f) => (f?.key === k ? null : f));
          then(true);
        },
        (err: unknown) => {
          if (err === SIGNED_OUT || r.controller.signal.aborted || !wanted()) return then(null);
          setFailure({ key: k, message: failureMessage(err) });
          loaded.current = k;
          then(false);
        },
      );
    },
    /** Aborts what load() is reading (its outcome is no longer wanted). */
    cancelLoad,
    retry: () => {
      inflight.current = null;
      setFailure(null);
      setAttempt((n) => n + 1);
    },
  };
}
