"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { DialogPanel } from "@/components/ui/dialog-panel";
import { useToast } from "@/components/ui/toaster";
import type { BulkItemResult } from "@/lib/users/types";
import { ROLES, type Role } from "@/lib/validation/enums";
import type { BulkFilter } from "@/lib/validation/users";
import { bulkChangeRoleAction, bulkDeactivateAction, bulkDeleteAction } from "@/app/(console)/users/actions";
import { actionTitle, DONE, resultsCsv, retryable, runChunks, summarize, type BulkOp } from "./bulk-report";
import { ROLE_LABELS } from "./format";
import { ResultsTable } from "./results-table";

/** Whom the operation is for: rows picked in the table, every user the filter matches, or a pasted list. */
export type BulkSource =
  | { kind: "ids"; ids: string[] }
  | { kind: "filter"; filter: BulkFilter; total: number }
  | { kind: "list" };

type Step = "input" | "preview" | "running" | "done";

const button =
  "rounded-md border border-neutral-300 px-3 py-1.5 text-sm hover:bg-neutral-100 disabled:cursor-not-allowed disabled:opacity-50 dark:border-neutral-700 dark:hover:bg-neutral-800";
const primary = (destructive: boolean) =>
  `rounded-md border px-3 py-1.5 text-sm text-white disabled:cursor-not-allowed disabled:opacity-50 ${destructive ? "border-red-700 bg-red-700 hover:bg-red-800" : "border-neutral-900 bg-neutral-900 hover:bg-neutral-700 dark:border-white dark:bg-white dark:text-neutral-900"}`;

const VERBS: Record<BulkOp, string> = { delete: "Deleting", deactivate: "Deactivating", role: "Changing roles" };
const CONSEQUENCES: Record<BulkOp, string> = {
  delete: "Deletion cannot be undone: their API keys and invitations are deleted with them and their sessions end. The audit log keeps what happened.",
  deactivate: "Their sessions end, and their API keys and pending invitations are revoked. They can be reactivated later.",
  role: "Their sessions end, and API keys above the new role are revoked.",
};

function call(op: BulkOp, input: Record<string, unknown>, role: Role) {
  if (op === "delete") return bulkDeleteAction(input);
  if (op === "deactivate") return bulkDeactivateAction(input);
  return bulkChangeRoleAction({ ...input, role });
}

/**
 * A bulk operation from start to end: the server's dry run as a preview (what will happen to each
 * row, and why not), a confirm button naming the real count, the run in chunks with progress,
 * then the "Results" table with "Retry failed" and "Download CSV".
 */
export function BulkDialog({
  op,
  source,
  label,
  className,
  onFinished,
  defaultOpen = false,
}: {
  op: BulkOp;
  source: BulkSource;
  /** The button that opens it. */
  label: string;
  className?: string;
  /** Called when the dialog closes after something was sent (clear the selection). */
  onFinished?: () => void;
  /** Open at once (it was loaded by a click on its placeholder button: see bulk-bar.tsx). */
  defaultOpen?: boolean;
}) {
  const router = useRouter();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [step, setStep] = useState<Step>("input");
  const [text, setText] = useState("");
  const [role, setRole] = useState<Role>("member");
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [preview, setPreview] = useState<BulkItemResult[] | null>(null);
  const [results, setResults] = useState<(BulkItemResult | undefined)[]>([]);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const [confirmed, setConfirmed] = useState(0);
  const sent = useRef(false);
  const request = useRef(0);
  const confirmedCountRef = useRef(0);

  const targets = (): Record<string, unknown> =>
    source.kind === "ids" ? { items: source.ids } : source.kind === "filter" ? { filter: source.filter } : { items: text };

  const loadPreview = async (forRole: Role) => {
    const mine = ++request.current;
    setLoading(true);
    setError(null);
    const r = await call(op, { ...targets(), dryRun: true }, forRole).catch(() => null);
    if (mine !== request.current) return; // a newer preview (another role) was asked for
    setLoading(false);
    if (!r) return setError("The preview could not be loaded; check your connection and try again.");
    if (!r.ok) return setError(r.error.fields ? Object.values(r.error.fields).flat().join(" ") || r.error.message : r.error.message);
    setPreview(r.data);
    setStep("preview");
  };

  const reset = () => {
    request.current++;
    setStep(source.kind === "list" ? "input" : "preview");
    setLoading(false);
    setError(null);
    setPreview(null);
    setResults([]);
    setProgress(null);
    setAnnouncement("");
    sent.current = false;
  };

  const onOpenChange = (next: boolean) => {
    if (!next && step === "running") return; // the run finishes first
    setOpen(next);
    if (next) {
      reset();
      if (source.kind !== "list") void loadPreview(role);
    } else if (sent.current) {
      onFinished?.();
    }
  };
  // Loaded on first use and opened by that click: open it as its trigger would have.
  const openedOnLoad = useRef(false);
  useEffect(() => {
    if (!defaultOpen || openedOnLoad.current) return;
    openedOnLoad.current = true;
    onOpenChange(true);
    // Once, on mount only.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  /** Runs the rows at `indexes` and reports; used by the confirm button and by "Retry failed". */
  const run = async (base: (BulkItemResult | undefined)[], indexes: number[]) => {
    sent.current = true;
    const rows = base.map((r, i) => r ?? preview![i]!);
    const next = [...base];
    for (const i of indexes) next[i] = undefined;
    setResults([...next]);
    setStep("running");
    setAnnouncement("");
    setProgress({ done: 0, total: indexes.length });
    await runChunks(rows, indexes, (items) => call(op, { items }, role), (updates, done) => {
      for (const [i, r] of updates) next[i] = r;
      setResults([...next]);
      setProgress({ done, total: indexes.length });
    });
    const final = next as BulkItemResult[];
    const text = summarize(final);
    setStep("done");
    setAnnouncement(`Done: ${text}.`);
    const failed = final.some((r) => r.outcome === "failed");
    toast({ tone: failed ? "error" : "success", message: `${actionTitle(op, confirmedCountRef.current)}: ${text}` });
    router.refresh();
  };

  const confirm = () => {
    if (!preview) return;
    const willDo = preview.filter((r) => r.outcome === DONE[op]).length;
    setConfirmed(willDo);
    confirmedCountRef.current = willDo;
    // A duplicate is a fact about the list, not the database: it is reported, not sent again
    // (a later chunk could not know the earlier one had named that user).
    const base = preview.map((r) => (r.code === "DUPLICATE" ? r : undefined));
    const indexes = preview.flatMap((r, i) => (r.code === "DUPLICATE" ? [] : [i]));
    void run(base, indexes);
  };

  const retryFailed = () => {
    const indexes = results.flatMap((r, i) => (r && retryable(r) ? [i] : []));
    if (indexes.length) void run(results, indexes);
  };

  const download = () => {
    const blob = new Blob([resultsCsv(results as BulkItemResult[])], { type: "text/csv;charset=utf-8" });
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = `roster-bulk-${op === "role" ? "change-role" : op}-${new Date().toISOString().slice(0, 10)}.csv`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  const willDo = preview?.filter((r) => r.outcome === DONE[op]).length ?? 0;
  const initialCount = source.kind === "ids" ? source.ids.length : source.kind === "filter" ? source.total : 0;
  const title =
    step === "input"
      ? "Delete by list"
      : step === "running" || step === "done"
        ? actionTitle(op, confirmed)
        : actionTitle(op, preview ? willDo : initialCount);
  const failedCount = results.filter((r) => r && retryable(r)).length;
  const running = step === "running";

  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Trigger className={className ?? button}>{label}</Dialog.Trigger>
      <DialogPanel
        title={title}
        width="xl"
        onEscapeKeyDown={(e) => running && e.preventDefault()}
        onPointerDownOutside={(e) => running && e.preventDefault()}
        description={
          <>
            {step === "input" ? (
              <p>Paste user ids and/or email addresses, separated by commas, semicolons, spaces, tabs or new lines. Nothing is deleted before you confirm.</p>
            ) : step === "preview" && preview ? (
              <p>
                {preview.length.toLocaleString("en-US")} {preview.length === 1 ? "row" : "rows"}: {willDo.toLocaleString("en-US")} will be {op === "delete" ? "deleted" : op === "deactivate" ? "deactivated" : "changed"}
                {preview.length > willDo ? `, ${(preview.length - willDo).toLocaleString("en-US")} will not (see why below)` : ""}. {CONSEQUENCES[op]}
              </p>
            ) : step === "preview" ? (
              <p>Checking what would happen to each user…</p>
            ) : (
              <p>Each row is done on its own; one failure never stops the others.</p>
            )}
          </>
        }
      >
        {step === "input" ? (
          <form
            className="mt-4"
            onSubmit={(e) => {
              e.preventDefault();
              if (!text.trim()) return setError("Paste at least one id or email address.");
              void loadPreview(role);
            }}
          >
            <label htmlFor="bulk-list" className="block text-sm font-medium">Users to delete</label>
            <textarea
              id="bulk-list"
              value={text}
              onChange={(e) => setText(e.target.value)}
              rows={8}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? "bulk-list-error" : undefined}
              className="mt-1 block w-full rounded-md border border-neutral-300 bg-white px-3 py-2 font-mono text-sm aria-invalid:border-red-600 dark:border-neutral-700 dark:bg-neutral-900"
            />
            {error ? <p id="bulk-list-error" role="alert" className="mt-1 text-sm text-red-700 dark:text-red-300">{error}</p> : null}
            <div className="mt-4 flex justify-end gap-2">
              <Dialog.Close className={button}>Cancel</Dialog.Close>
              <button type="submit" className={primary(false)} disabled={loading}>{loading ? "Checking…" : "Preview"}</button>
            </div>
          </form>
        ) : null}

        {op === "role" && step === "preview" ? (
          <div className="mt-4">
            <label htmlFor="bulk-role" className="block text-sm font-medium">New role</label>
            <select
              id="bulk-role"
              value={role}
              onChange={(e) => {
                const next = e.target.value as Role;
                setRole(next);
                void loadPreview(next);
              }}
              className="mt-1 rounded-md border border-neutral-300 bg-white px-2 py-1.5 text-sm dark:border-neutral-700 dark:bg-neutral-900"
            >
              {ROLES.map((r) => <option key={r} value={r}>{ROLE_LABELS[r]}</option>)}
            </select>
          </div>
        ) : null}

        {step === "preview" ? (
          <>
            {error ? <p role="alert" className="mt-3 text-sm text-red-700 dark:text-red-300">{error}</p> : null}
            {loading && !preview ? <p className="mt-3 text-sm text-neutral-600 dark:text-neutral-400">Loading the preview…</p> : null}
            {preview ? <ResultsTable label="Preview" rows={preview} op={op} mode="preview" role={role} /> : null}
            <div className="mt-4 flex flex-wrap justify-end gap-2">
              {source.kind === "list" ? (
                <button type="button" className={button} onClick={() => { setStep("input"); setPreview(null); }}>Edit list</button>
              ) : null}
              <Dialog.Close className={button}>Cancel</Dialog.Close>
              <button type="button" className={primary(op === "delete")} disabled={loading || !preview || willDo === 0} onClick={confirm}>
                {preview && willDo === 0 ? "Nothing to do" : actionTitle(op, willDo)}
              </button>
            </div>
          </>
        ) : null}

        {step === "running" || step === "done" ? (
          <>
            {progress && step === "running" ? (
              <div className="mt-4">
                <label htmlFor="bulk-progress" className="text-sm">
                  {VERBS[op]}… {progress.done.toLocaleString("en-US")} of {progress.total.toLocaleString("en-US")}
                </label>
                <progress id="bulk-progress" value={progress.done} max={progress.total} className="mt-1 block w-full" />
              </div>
            ) : null}
            <ResultsTable label="Results" rows={results} op={op} mode="results" role={role} />
            <div className="mt-4 flex flex-wrap justify-end gap-2">
              {step === "done" && failedCount > 0 ? (
                <button type="button" className={button} onClick={retryFailed}>Retry failed ({failedCount})</button>
              ) : null}
              <button type="button" className={button} disabled={running} onClick={download}>Download CSV</button>
              <Dialog.Close className={button} disabled={running}>Close</Dialog.Close>
            </div>
          </>
        ) : null}
        <p role="status" aria-live="polite" className="mt-3 text-sm font-medium">{announcement}</p>
      </DialogPanel>
    </Dialog.Root>
  );
}
