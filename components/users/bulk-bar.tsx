"use client";

import { useState } from "react";
import type { Role } from "@/lib/validation/enums";
import type { BulkFilter } from "@/lib/validation/users";
import { LazyOpen } from "@/components/ui/lazy";
import type { BulkOp } from "./bulk-report";
import type { BulkSource } from "./bulk-dialog";
import { formatTotal } from "./format";

const button =
  "rounded-md border border-neutral-300 px-3 py-1.5 text-sm hover:bg-neutral-100 disabled:cursor-not-allowed disabled:opacity-50 dark:border-neutral-700 dark:hover:bg-neutral-800";
const danger =
  "rounded-md border border-red-300 px-3 py-1.5 text-sm text-red-800 hover:bg-red-50 dark:border-red-800 dark:text-red-200 dark:hover:bg-red-950";

export interface BulkBarProps {
  viewer: { role: Role };
  /** Selected rows' ids, across pages, in the order they were picked. */
  selectedIds: string[];
  /** Whether every row of the page on screen is selected. */
  allPageSelected: boolean;
  /** The page on screen (its cursor): "all matching" ends when the page changes. */
  pageKey: string;
  total: number;
  totalExact: boolean;
  filter: BulkFilter;
  onClear: () => void;
}

/**
 * The bulk bar: with rows selected, their count and the bulk operations (admins only), and
 * "Select all N matching this filter" to act on every page at once (the server resolves the
 * filter; the preview shows who that is before anything happens).
 */
export function BulkBar({ viewer, selectedIds, allPageSelected, pageKey, total, totalExact, filter, onClear }: BulkBarProps) {
  const selectionKey = `${pageKey}|${selectedIds.join(",")}`;
  const [allFor, setAllFor] = useState<string | null>(null);
  if (viewer.role !== "admin" || selectedIds.length === 0) return null;
  const allMatching = allFor === selectionKey;
  const source: BulkSource = allMatching ? { kind: "filter", filter, total } : { kind: "ids", ids: selectedIds };
  const count = allMatching ? formatTotal(total, totalExact) : `${selectedIds.length.toLocaleString("en-US")} ${selectedIds.length === 1 ? "user" : "users"}`;
  return (
    <div
      role="region"
      aria-label="Bulk actions"
      className="mt-3 flex flex-wrap items-center gap-2 rounded-lg border border-neutral-300 bg-neutral-50 px-3 py-2 text-sm dark:border-neutral-700 dark:bg-neutral-900"
    >
      <p className="font-medium">
        {allMatching ? `All ${count} matching this filter are selected` : `${count} selected`}
      </p>
      {!allMatching && allPageSelected && total > selectedIds.length ? (
        <button type="button" className="text-sm underline" onClick={() => setAllFor(selectionKey)}>
          Select all {totalExact ? total.toLocaleString("en-US") : formatTotal(total, false).replace(/ users$/, "")} matching this filter
        </button>
      ) : null}
      <button type="button" className="text-sm underline" onClick={() => { setAllFor(null); onClear(); }}>
        Clear selection
      </button>
      <div className="ml-auto flex flex-wrap gap-2">
        <LazyBulkDialog op="delete" source={source} label="Delete selected" className={danger} onFinished={onClear} />
        <LazyBulkDialog op="deactivate" source={source} label="Deactivate selected" className={button} onFinished={onClear} />
        <LazyBulkDialog op="role" source={source} label="Change role" className={button} onFinished={onClear} />
      </div>
    </div>
  );
}

/** "Delete by list": for people who come with ids or emails from elsewhere (admins only). */
export function DeleteByListButton({ viewer }: { viewer: { role: Role } }) {
  if (viewer.role !== "admin") return null;
  return <LazyBulkDialog op="delete" source={{ kind: "list" }} label="Delete by list" />;
}

const loadBulkDialog = () => import("./bulk-dialog").then((m) => m.BulkDialog);

/**
 * A bulk operation's button; the dialog behind it (Radix Dialog, the preview, the results
 * table) loads on the first click (hover or focus starts the download) and opens at once.
 */
function LazyBulkDialog(props: { op: BulkOp; source: BulkSource; label: string; className?: string; onFinished?: () => void }) {
  return (
    <LazyOpen
      importer={loadBulkDialog}
      props={props}
      placeholder={(t) => <button type="button" aria-haspopup="dialog" className={props.className ?? button} {...t}>{props.label}</button>}
    />
  );
}
