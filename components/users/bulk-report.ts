// The bulk dialog's logic, apart from React: what a preview or result row says, the summary,
// the CSV report, and running the confirmed rows in chunks (for progress) with "Retry failed".
import { csvCell } from "@/lib/csv";
import type { BulkItemResult } from "@/lib/users/types";
import type { BulkOutcome, ErrorCode, Role } from "@/lib/validation/enums";
import { ROLE_LABELS } from "./format";

export type BulkOp = "delete" | "deactivate" | "role";

/** The outcome that means "done" for each operation. */
export const DONE: Record<BulkOp, BulkOutcome> = { delete: "deleted", deactivate: "deactivated", role: "updated" };

/**
 * Rows per request when running: one request (one transaction per core chunk) up to a thousand
 * rows, so a typical batch costs what one core call costs; larger batches (up to 10,000) show
 * progress a thousand rows at a time.
 */
export const EXECUTE_CHUNK = 1000;

/** Rows of a table shown at once; the summary and the CSV always cover every row. */
export const SHOWN_ROWS = 1000;

type ActionResult<T> = { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string } };
export type Send = (items: string[]) => Promise<ActionResult<BulkItemResult[]>>;

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

/** "Delete 3 users", "Deactivate 1 user", "Change role of 3 users": dialog titles and confirm buttons. */
export function actionTitle(op: BulkOp, n: number): string {
  if (op === "role") return `Change role of ${plural(n, "user")}`;
  return `${op === "delete" ? "Delete" : "Deactivate"} ${plural(n, "user")}`;
}

const REASONS: Partial<Record<string, string>> = {
  SELF_ACTION: "Yourself",
  LAST_ADMIN: "The last active admin",
  DUPLICATE: "Duplicate",
  NOT_FOUND: "Not found",
  CONFLICT: "Changed meanwhile",
  VALIDATION: "Not a valid id or email",
};

function effectsText(row: BulkItemResult, op: BulkOp): string {
  const e = row.effects;
  if (!e) return "";
  const parts: string[] = [];
  if (e.apiKeys) parts.push(`${plural(e.apiKeys, "API key")} ${op === "delete" ? "deleted" : "revoked"}`);
  if (e.invitations) parts.push(`${plural(e.invitations, "pending invitation")} ${op === "delete" ? "deleted" : "revoked"}`);
  parts.push("sessions end");
  return `With it: ${parts.join(", ")}`;
}

/** What a row says: in the preview (what will happen) or the results (what happened). */
export function describeRow(row: BulkItemResult, op: BulkOp, mode: "preview" | "results", role?: Role): { label: string; detail: string } {
  const reason = row.code ? REASONS[row.code] : undefined;
  if (mode === "preview") {
    if (row.outcome === DONE[op]) {
      const label = op === "delete" ? "Will be deleted" : op === "deactivate" ? "Will be deactivated" : `Will become ${role ? ROLE_LABELS[role].toLowerCase() : "the new role"}`;
      return { label, detail: effectsText(row, op) };
    }
    if (row.outcome === "not_found") return { label: "Not found", detail: row.message ?? "" };
    if (row.outcome === "failed") return { label: reason ?? "Cannot be done", detail: row.message ?? "" };
    if (row.code) return { label: `Blocked: ${reason ?? row.code}`, detail: row.message ?? "" };
    return { label: "Nothing to do", detail: row.message ?? "" };
  }
  const label = { deleted: "Deleted", deactivated: "Deactivated", updated: "Updated", invited: "Invited", not_found: "Not found", failed: "Failed", skipped: "Skipped" }[row.outcome];
  return { label, detail: row.message ?? "" };
}

const OUTCOME_WORDS: Record<BulkOutcome, string> = {
  deleted: "deleted", deactivated: "deactivated", updated: "updated", invited: "invited",
  skipped: "skipped", not_found: "not found", failed: "failed",
};

/** "3 deleted, 1 skipped, 2 not found, 1 failed" (outcomes that occur, in a fixed order). */
export function summarize(rows: BulkItemResult[]): string {
  const counts = new Map<BulkOutcome, number>();
  for (const r of rows) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
  const order: BulkOutcome[] = ["deleted", "deactivated", "updated", "invited", "skipped", "not_found", "failed"];
  const parts = order.filter((o) => counts.get(o)).map((o) => `${counts.get(o)!.toLocaleString("en-US")} ${OUTCOME_WORDS[o]}`);
  return parts.length ? parts.join(", ") : "nothing";
}

/** A failed row worth retrying: the database or the request failed (an invalid input would fail again). */
export const retryable = (row: BulkItemResult) => row.outcome === "failed" && row.code !== "VALIDATION";

export const CSV_COLUMNS = ["row", "input", "userId", "email", "outcome", "code", "message"] as const;

/** The report as CSV (UTF-8 BOM, CRLF, formula cells neutralized like the users export). */
export function resultsCsv(rows: BulkItemResult[]): string {
  const lines = rows.map((r, i) =>
    [String(i + 1), r.input, r.userId ?? null, r.email ?? null, r.outcome, r.code ?? null, r.message ?? null].map(csvCell).join(","),
  );
  return "\uFEFF" + [CSV_COLUMNS.join(","), ...lines].join("\r\n") + "\r\n";
}

const STOPS: ReadonlySet<string> = new Set(["UNAUTHENTICATED", "FORBIDDEN"]);

/**
 * Sends the rows at `indexes` (their `input`s) in chunks, one request after another, and reports
 * each chunk's outcomes by index. A request that fails does not stop the others, except when the
 * caller may no longer act at all (signed out, or no longer allowed): then the rest are not sent.
 * A request that failed without an answer says so: its rows may or may not have been changed,
 * and retrying them tells (a deleted user then answers not found).
 */
export async function runChunks(
  rows: readonly BulkItemResult[],
  indexes: readonly number[],
  send: Send,
  onChunk: (updates: [number, BulkItemResult][], done: number) => void,
  chunkSize = EXECUTE_CHUNK,
): Promise<void> {
  let done = 0;
  let stop: { code: ErrorCode; message: string } | null = null;
  for (let start = 0; start < indexes.length; start += chunkSize) {
    const chunk = indexes.slice(start, start + chunkSize);
    const failAll = (code: ErrorCode, message: string) =>
      chunk.map((i): [number, BulkItemResult] => [i, { input: rows[i]!.input, userId: rows[i]!.userId, email: rows[i]!.email, outcome: "failed", code, message }]);
    let updates: [number, BulkItemResult][];
    if (stop) {
      updates = failAll(stop.code, `Not sent: ${stop.message}`);
    } else {
      try {
        const r = await send(chunk.map((i) => rows[i]!.input));
        if (r.ok && r.data.length === chunk.length) {
          updates = chunk.map((i, k) => [i, r.data[k]!]);
        } else if (r.ok) {
          updates = failAll("INTERNAL", "The answer did not match the request; these users may or may not have been changed. Retry to find out.");
        } else {
          if (STOPS.has(r.error.code)) stop = r.error;
          updates = failAll(r.error.code, r.error.message);
        }
      } catch {
        updates = failAll("INTERNAL", "The request failed before an answer came back; these users may or may not have been changed. Retry to find out.");
      }
    }
    done += chunk.length;
    onChunk(updates, done);
  }
}
