"use client";

import type { BulkItemResult } from "@/lib/users/types";
import type { Role } from "@/lib/validation/enums";
import { describeRow, SHOWN_ROWS, type BulkOp } from "./bulk-report";

const TONES: Record<string, string> = {
  done: "text-green-800 dark:text-green-300",
  blocked: "text-amber-800 dark:text-amber-300",
  failed: "text-red-700 dark:text-red-300",
  neutral: "text-neutral-700 dark:text-neutral-300",
};

function tone(row: BulkItemResult | undefined): string {
  if (!row) return TONES.neutral!;
  if (row.outcome === "failed") return TONES.failed!;
  if (row.outcome === "deleted" || row.outcome === "deactivated" || row.outcome === "updated") return TONES.done!;
  if (row.outcome === "skipped" && row.code) return TONES.blocked!;
  return TONES.neutral!;
}

/**
 * One row per input, in input order: the preview ("what will happen") or the results ("what
 * happened"). Rows not answered yet (a run in progress) show as pending.
 */
export function ResultsTable({
  label,
  rows,
  op,
  mode,
  role,
}: {
  label: "Preview" | "Results";
  rows: (BulkItemResult | undefined)[];
  op: BulkOp;
  mode: "preview" | "results";
  role?: Role;
}) {
  const shown = rows.slice(0, SHOWN_ROWS);
  return (
    // Scrolls on its own, so it takes focus to scroll by keyboard.
    <div tabIndex={0} role="region" aria-label={`${label} table`} className="mt-3 max-h-80 overflow-auto rounded-md border border-neutral-200 focus-visible:outline-2 dark:border-neutral-800">
      <table aria-label={label} className="w-full text-left text-sm">
        <thead className="sticky top-0 bg-neutral-50 dark:bg-neutral-900">
          <tr>
            <th scope="col" className="px-2 py-1.5 font-medium">#</th>
            <th scope="col" className="px-2 py-1.5 font-medium">User</th>
            <th scope="col" className="px-2 py-1.5 font-medium">{mode === "preview" ? "What will happen" : "Outcome"}</th>
            <th scope="col" className="px-2 py-1.5 font-medium">Code</th>
            <th scope="col" className="px-2 py-1.5 font-medium">Details</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((row, i) => {
            const d = row ? describeRow(row, op, mode, role) : { label: "Pending…", detail: "" };
            return (
              <tr key={i} className="border-t border-neutral-200 align-top dark:border-neutral-800">
                <td className="px-2 py-1.5 tabular-nums text-neutral-600 dark:text-neutral-400">{i + 1}</td>
                <td className="px-2 py-1.5 break-all">
                  <span data-user>{row?.email ?? row?.input}</span>
                  {row?.email && row.email !== row.input && row.input !== row.userId ? (
                    <span className="block text-xs text-neutral-600 dark:text-neutral-400">as entered: {row.input}</span>
                  ) : null}
                </td>
                <td className={`px-2 py-1.5 font-medium ${tone(row)}`}>{d.label}</td>
                <td className="px-2 py-1.5 font-mono text-xs">{row?.code ?? ""}</td>
                <td className="px-2 py-1.5 text-neutral-700 dark:text-neutral-300">{d.detail}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {rows.length > shown.length ? (
        <p className="px-2 py-1.5 text-xs text-neutral-600 dark:text-neutral-400">
          Showing the first {shown.length.toLocaleString("en-US")} of {rows.length.toLocaleString("en-US")} rows; the summary and the CSV cover all of them.
        </p>
      ) : null}
    </div>
  );
}
