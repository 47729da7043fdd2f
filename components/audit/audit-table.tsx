"use client";

import { outlineButton, Pager } from "@/components/ui/pager";
import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import { flexRender, tableFeatures, useTable, type ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import { useQueryStates } from "nuqs";
import { useMemo, useState, useTransition } from "react";
import type { AuditEventDTO, ListAuditEventsResult } from "@/lib/users/audit-log";
import { AUDIT_ACTIONS, AUDIT_OUTCOMES, AUDIT_PAGE_SIZES } from "@/lib/validation/audit";
import { auditQueryOf, auditSearchParams } from "@/lib/validation/audit-search-params";
import { ROLE_LABELS } from "@/components/users/format";
import { FilterMenu } from "@/components/users/filter-menu";
import { changeLines, formatEventTotal, formatTime, otherDetails } from "./format";

const features = tableFeatures({});
type Features = typeof features;

const ACTION_LABELS = Object.fromEntries(AUDIT_ACTIONS.map((a) => [a, a])) as Record<(typeof AUDIT_ACTIONS)[number], string>;

/** A person an event names: their email (kept after deletion), a filter link to their events. */
function Person({ email, id, param }: { email: string | null; id: string | null; param: "actor" | "target" }) {
  if (!email && !id) return <span className="text-neutral-500">—</span>;
  return (
    <Link href={`/audit?${param}=${encodeURIComponent(email ?? id!)}`} className="underline underline-offset-2">
      {email ?? id}
    </Link>
  );
}

function Changes({ event }: { event: AuditEventDTO }) {
  const lines = changeLines(event);
  const other = otherDetails(event);
  if (lines.length === 0 && other.length === 0) return <span className="text-neutral-500">—</span>;
  return (
    <ul className="space-y-0.5">
      {lines.map((l) => (
        <li key={l.field}>
          <span className="font-medium">{l.field}</span>: <del className="text-neutral-600 no-underline dark:text-neutral-400">{l.old}</del>{" "}
          <span aria-label="changed to">→</span> <ins className="no-underline">{l.new}</ins>
        </li>
      ))}
      {other.map(([k, v]) => (
        <li key={k} className="text-neutral-700 dark:text-neutral-300">
          {k}: <span className="break-all">{v}</span>
        </li>
      ))}
    </ul>
  );
}

function Outcome({ event }: { event: AuditEventDTO }) {
  if (event.outcome === "success") {
    return <span className="inline-block rounded bg-green-100 px-2 py-0.5 text-xs font-medium text-green-900 dark:bg-green-950 dark:text-green-200">Success</span>;
  }
  const c = (event.changes ?? {}) as { code?: string; message?: string };
  return (
    <span>
      <span className="inline-block rounded bg-red-100 px-2 py-0.5 text-xs font-medium text-red-900 dark:bg-red-950 dark:text-red-200">Refused</span>
      {c.code ? <span className="ml-1 text-xs">{c.code}</span> : null}
      {c.message ? <span className="block text-xs text-neutral-700 dark:text-neutral-300">{c.message}</span> : null}
    </span>
  );
}

const columns: ColumnDef<Features, AuditEventDTO>[] = [
  {
    id: "time",
    header: "Time",
    cell: ({ row }) => <time dateTime={row.original.createdAt} className="whitespace-nowrap">{formatTime(row.original.createdAt)}</time>,
  },
  { id: "actor", header: "Actor", cell: ({ row }) => <Person email={row.original.actorEmail} id={row.original.actorId} param="actor" /> },
  { id: "action", header: "Action", cell: ({ row }) => <code className="text-xs">{row.original.action}</code> },
  { id: "target", header: "Target", cell: ({ row }) => <Person email={row.original.targetEmail} id={row.original.targetId} param="target" /> },
  { id: "changes", header: "Changes", cell: ({ row }) => <Changes event={row.original} /> },
  { id: "outcome", header: "Outcome", cell: ({ row }) => <Outcome event={row.original} /> },
  { id: "ip", header: "IP", cell: ({ row }) => row.original.ip ?? "—" },
  {
    id: "userAgent",
    header: "User agent",
    cell: ({ row }) => <span className="block max-w-56 truncate" title={row.original.userAgent ?? undefined}>{row.original.userAgent ?? "—"}</span>,
  },
];

const button = outlineButton;
const input = "rounded-md border border-neutral-300 bg-white px-3 py-1.5 text-sm dark:border-neutral-700 dark:bg-neutral-900";

/** The audit log: filters, keyset paging and page size in the URL; export of the current filter. */
export function AuditTable({ result }: { result: ListAuditEventsResult }) {
  const [pending, startTransition] = useTransition();
  const [params, setParams] = useQueryStates(auditSearchParams, { shallow: false, history: "push", startTransition });
  const [actor, setActor] = useState(params.actor);
  const [target, setTarget] = useState(params.target);
  const update = (patch: Partial<typeof params>) => void setParams({ cursor: null, ...patch });

  const data = useMemo(() => result.data, [result.data]);
  const table = useTable({ features, columns, data, getRowId: (row) => row.id });

  const filtered =
    params.actor !== "" || params.target !== "" || params.actorRole !== null || params.action.length > 0 ||
    params.outcome !== null || params.from !== null || params.to !== null;
  const clear = () => {
    setActor("");
    setTarget("");
    update({ actor: "", target: "", actorRole: null, action: [], outcome: null, from: null, to: null });
  };
  const exportHref = (format: string) => {
    const q = auditQueryOf(params);
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) {
      if (Array.isArray(v)) v.forEach((x) => qs.append(k, x));
      else if (v) qs.set(k, v);
    }
    qs.set("format", format);
    return `/audit/export?${qs}`;
  };

  return (
    <div className="mt-6" aria-busy={pending}>
      <form
        role="search"
        aria-label="Filter audit events"
        className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          update({ actor: actor.trim(), target: target.trim() });
        }}
      >
        <label className="flex flex-col gap-1 text-sm">
          Actor
          <input className={`${input} w-56`} value={actor} onChange={(e) => setActor(e.target.value)} placeholder="Email or user id" />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Target
          <input className={`${input} w-56`} value={target} onChange={(e) => setTarget(e.target.value)} placeholder="Email or user id" />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          From
          <input type="date" className={input} value={params.from ?? ""} max={params.to ?? undefined}
            onChange={(e) => update({ from: e.target.value || null })} />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          To
          <input type="date" className={input} value={params.to ?? ""} min={params.from ?? undefined}
            onChange={(e) => update({ to: e.target.value || null })} />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Outcome
          <select className={input} value={params.outcome ?? ""} onChange={(e) => update({ outcome: (e.target.value || null) as (typeof AUDIT_OUTCOMES)[number] | null })}>
            <option value="">Any</option>
            <option value="success">Success</option>
            <option value="refused">Refused</option>
          </select>
        </label>
        <FilterMenu
          label="Action"
          options={AUDIT_ACTIONS}
          labels={ACTION_LABELS}
          selected={params.action.filter((a): a is (typeof AUDIT_ACTIONS)[number] => (AUDIT_ACTIONS as readonly string[]).includes(a))}
          onChange={(action) => update({ action })}
        />
        <button type="submit" className={button}>Apply filters</button>
        {filtered ? <button type="button" className={button} onClick={clear}>Clear filters</button> : null}
        <div className="ml-auto">
          <DropdownMenu.Root>
            <DropdownMenu.Trigger className={button}>Export</DropdownMenu.Trigger>
            <DropdownMenu.Portal>
              <DropdownMenu.Content align="end" sideOffset={4} className="z-50 min-w-52 rounded-md border border-neutral-200 bg-white p-1 shadow-lg dark:border-neutral-700 dark:bg-neutral-900">
                {(["csv", "json", "ndjson"] as const).map((f) => (
                  <DropdownMenu.Item key={f} asChild>
                    <a href={exportHref(f)} download className="block rounded px-2 py-1 text-sm outline-none data-[highlighted]:bg-neutral-100 dark:data-[highlighted]:bg-neutral-800">
                      {f === "csv" ? "CSV (spreadsheets)" : f === "json" ? "JSON" : "NDJSON (one event a line)"}
                    </a>
                  </DropdownMenu.Item>
                ))}
              </DropdownMenu.Content>
            </DropdownMenu.Portal>
          </DropdownMenu.Root>
        </div>
      </form>
      {params.actorRole ? (
        <p className="mt-3">
          <button type="button" aria-label={`Remove filter: by ${ROLE_LABELS[params.actorRole]}s`}
            className="inline-flex items-center gap-1 rounded-full border border-neutral-300 bg-neutral-100 px-3 py-1 text-sm hover:bg-neutral-200 dark:border-neutral-700 dark:bg-neutral-800 dark:hover:bg-neutral-700"
            onClick={() => update({ actorRole: null })}>
            By {ROLE_LABELS[params.actorRole].toLowerCase()}s <span aria-hidden="true">×</span>
          </button>
        </p>
      ) : null}

      <p className="mt-3 text-sm text-neutral-600 dark:text-neutral-400" aria-live="polite">
        {formatEventTotal(result.total, result.totalExact)}
        {filtered ? " match" : ""}
        {pending ? " · Loading…" : ""}
      </p>

      {result.data.length === 0 ? (
        <div className="mt-6 rounded-lg border border-dashed border-neutral-300 p-10 text-center dark:border-neutral-700">
          <p className="font-medium">{filtered ? "No events match these filters." : "Nothing has been recorded yet."}</p>
          {filtered ? <button type="button" className={`${button} mt-4`} onClick={clear}>Clear filters</button> : null}
        </div>
      ) : (
        <div className="mt-3 overflow-x-auto rounded-lg border border-neutral-200 dark:border-neutral-800">
          <table className="w-full text-left text-sm" aria-label="Audit events">
            <thead className="bg-neutral-50 dark:bg-neutral-900">
              {table.getHeaderGroups().map((group) => (
                <tr key={group.id}>
                  {group.headers.map((header) => (
                    <th key={header.id} scope="col" className="px-3 py-2 font-medium">
                      {flexRender(header.column.columnDef.header, header.getContext())}
                    </th>
                  ))}
                </tr>
              ))}
            </thead>
            <tbody>
              {table.getRowModel().rows.map((row) => (
                <tr key={row.id} className="border-t border-neutral-200 align-top dark:border-neutral-800">
                  {row.getAllCells().map((cell) => (
                    <td key={cell.id} className="px-3 py-2">
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <Pager
        limit={params.limit}
        sizes={AUDIT_PAGE_SIZES}
        onLimit={(limit) => update({ limit })}
        prevCursor={result.prevCursor}
        nextCursor={result.nextCursor}
        onCursor={(cursor) => void setParams({ cursor })}
        pending={pending}
      />
    </div>
  );
}
