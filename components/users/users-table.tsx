"use client";

import { outlineButton, Pager } from "@/components/ui/pager";
import {
  columnVisibilityFeature,
  flexRender,
  rowSelectionFeature,
  tableFeatures,
  useTable,
  type ColumnDef,
  type ColumnVisibilityState,
  type RowSelectionState,
} from "@tanstack/react-table";
import { debounce as delayUrlUpdate, useQueryStates } from "nuqs";
import { memo, useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ListUsersResult, UserDTO } from "@/lib/users/types";
import { ROLES, STATUSES, type Role, type UserSort, type UserSortField } from "@/lib/validation/enums";
import { PAGE_SIZES, SEARCH_MAX_LENGTH, usersListKey, usersSearchParams } from "@/lib/validation/users-search-params";
import { BulkBar, DeleteByListButton } from "./bulk-bar";
import { LazyOpen, lazyComponent, useOpenedFor } from "@/components/ui/lazy";
import { filterButton, FilterCount, type FilterMenuProps } from "./filter-button";
import { canManageInvitation } from "./invitation-access";
import { preloadUserDrawer } from "./lazy-user-drawer";
import { RoleCell } from "./role-cell";
import { UsersLoadError } from "./users-load-error";
import { useUsersRows } from "./use-users-rows";
import { formatDate, formatTotal, ROLE_LABELS, STATUS_LABELS, statusLabel } from "./format";

// Menus and dialogs load on first use (components/ui/lazy.tsx): the first paint needs none of them.
const loadColumnsMenu = () => import("./table-menus").then((m) => m.ColumnsMenu);
const loadExportMenu = () => import("./table-menus").then((m) => m.ExportMenu);
const loadFilterMenu = () => import("./filter-menu").then((m) => m.FilterMenu);
const rowActionsButton = "rounded px-2 py-0.5 text-base leading-none hover:bg-neutral-200 dark:hover:bg-neutral-800";
/** InvitationRowActions, loaded by the first row whose actions button is used. */
const rowActions = lazyComponent(() => import("./invitation-row-actions").then((m) => m.InvitationRowActions));
const warmRowActions = () => void rowActions.load().catch(() => {});

const features = tableFeatures({ rowSelectionFeature, columnVisibilityFeature });

/** A search whose rows take longer than this shows "Loading…" (a faster one just shows its rows). */
const SLOW_SEARCH_MS = 150;
/**
 * A search's URL is written this long after its rows render, so that the rows are painted first:
 * writing it (history.replaceState) makes Next's router render the page again, ~4 ms before the
 * rows' render and 10–35 ms of transition work after it, in the frame the rows wait for.
 */
const SEARCH_URL_DELAY_MS = 100;

interface TableMeta {
  openUser: (id: string) => void;
  viewer: { userId: string; role: Role };
}
type Features = typeof features;

const SORTABLE: Record<string, UserSortField> = { name: "name", email: "email", createdAt: "created", lastLoginAt: "last_login" };
/**
 * The columns' widths: the table's layout is fixed, so a new result changes no column's width
 * (the table does not shift as a search narrows). Email takes what is left. (Not measurably
 * faster to paint than the automatic layout: bench/README.md, session 8.)
 */
const COLUMN_WIDTHS: Record<string, string> = {
  select: "w-10", name: "w-1/6", role: "w-28", status: "w-36", lastLoginAt: "w-32", createdAt: "w-28", actions: "w-12",
};
const COLUMN_LABELS: Record<string, string> = {
  name: "Name", email: "Email", role: "Role", status: "Status", lastLoginAt: "Last sign-in", createdAt: "Created",
};

const columns: ColumnDef<Features, UserDTO>[] = [
  {
    id: "select",
    enableHiding: false,
    header: ({ table }) => (
      <input
        type="checkbox"
        aria-label="Select all users on this page"
        checked={table.getIsAllPageRowsSelected()}
        ref={(el) => {
          if (el) el.indeterminate = table.getIsSomePageRowsSelected() && !table.getIsAllPageRowsSelected();
        }}
        onChange={(e) => table.toggleAllPageRowsSelected(e.target.checked)}
      />
    ),
    cell: ({ row }) => (
      <input
        type="checkbox"
        aria-label={`Select ${row.original.email}`}
        checked={row.getIsSelected()}
        onChange={(e) => row.toggleSelected(e.target.checked)}
      />
    ),
  },
  {
    accessorKey: "name",
    header: "Name",
    // The name opens the drawer (Enter or click); the row's other cells do too, by mouse.
    cell: ({ row, table }) => (
      <button
        type="button"
        data-open-user={row.original.id}
        onFocus={preloadUserDrawer}
        onClick={() => (table.options.meta as TableMeta).openUser(row.original.id)}
        className="text-left font-medium hover:underline"
      >
        {row.original.name || <span className="text-neutral-500">(no name)</span>}
      </button>
    ),
  },
  { accessorKey: "email", header: "Email" },
  {
    accessorKey: "role",
    header: "Role",
    cell: ({ row, table }) => {
      const { viewer } = table.options.meta as TableMeta;
      // Admins change roles inline (not their own: the core refuses, so the UI does not offer it).
      return viewer.role === "admin" && row.original.id !== viewer.userId ? (
        <RoleCell user={row.original} />
      ) : (
        ROLE_LABELS[row.original.role]
      );
    },
  },
  {
    accessorKey: "status",
    header: "Status",
    cell: ({ row }) => <StatusBadge user={row.original} />,
  },
  { accessorKey: "lastLoginAt", header: "Last sign-in", cell: ({ row }) => <DateCell iso={row.original.lastLoginAt} /> },
  { accessorKey: "createdAt", header: "Created", cell: ({ row }) => <DateCell iso={row.original.createdAt} /> },
  {
    id: "actions",
    enableHiding: false,
    header: () => <span className="sr-only">Actions</span>,
    cell: ({ row, table }) => {
      const viewerRole = (table.options.meta as TableMeta).viewer.role;
      if (!canManageInvitation(viewerRole, row.original)) return null;
      return <RowActionsCell user={row.original} viewerRole={viewerRole} />;
    },
  },
];

/** A filter button ("Status", "Role"); its popover (Radix) loads on first use. */
function LazyFilterMenu<T extends string>(props: FilterMenuProps<T>) {
  return (
    <LazyOpen
      importer={loadFilterMenu as () => Promise<React.ComponentType<FilterMenuProps<T> & { defaultOpen?: boolean }>>}
      props={props}
      placeholder={(t) => (
        <button type="button" aria-haspopup="dialog" aria-label={props.label} className={filterButton} {...t}>
          {props.label}
          <FilterCount n={props.selected.length} />
        </button>
      )}
    />
  );
}

/**
 * A row's "Actions for <email>" button (invited users). Like the row's other cells it is the
 * place's own, reused for whichever user sits there; mounting one per user (keyed by user)
 * replaced every invited row's button on each new result. The menu it loads opens for the user
 * it was used for; the next user in this place gets the plain button again.
 */
function RowActionsCell({ user, viewerRole }: { user: UserDTO; viewerRole: Role }) {
  const [opened, markOpened] = useOpenedFor(user.id);
  const menu = opened ? rowActions.element({ user, viewerRole, defaultOpen: true }) : null;
  if (menu) return menu;
  return (
    <button
      type="button"
      aria-haspopup="menu"
      aria-label={`Actions for ${user.email}`}
      className={rowActionsButton}
      onPointerEnter={warmRowActions}
      onFocus={warmRowActions}
      onClick={() => rowActions.load().then(() => markOpened(), () => {})}
    >
      <span aria-hidden="true">⋯</span>
    </button>
  );
}

function DateCell({ iso }: { iso: string | null }) {
  return iso ? <time dateTime={iso} title={iso}>{formatDate(iso)}</time> : <span className="text-neutral-500">Never</span>;
}

function StatusBadge({ user }: { user: UserDTO }) {
  const tone =
    user.status === "active"
      ? "bg-green-100 text-green-900 dark:bg-green-950 dark:text-green-200"
      : user.status === "deactivated"
        ? "bg-neutral-200 text-neutral-800 dark:bg-neutral-800 dark:text-neutral-200"
        : user.invitation?.state === "expired"
          ? "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200"
          : "bg-blue-100 text-blue-900 dark:bg-blue-950 dark:text-blue-200";
  return <span className={`inline-block rounded px-2 py-0.5 text-xs font-medium ${tone}`}>{statusLabel(user)}</span>;
}

const button = outlineButton;

/** The activity filters in force (set by the overview's links), as removable chips. */
function activityFilters(p: { invitation: string | null; neverSignedIn: boolean; notSeenSince: string | null }) {
  const out: { key: "invitation" | "neverSignedIn" | "notSeenSince"; label: string }[] = [];
  if (p.invitation) out.push({ key: "invitation", label: p.invitation === "expired" ? "Invitation expired" : "Invitation pending" });
  if (p.neverSignedIn) out.push({ key: "neverSignedIn", label: "Never signed in" });
  if (p.notSeenSince) out.push({ key: "notSeenSince", label: `Last sign-in before ${p.notSeenSince}` });
  return out;
}

type UsersRow = ReturnType<ReturnType<typeof useTable<Features, UserDTO>>["getRowModel"]>["rows"][number];

/**
 * The table's rows. Rendered again only when the rows, the selection or the visible columns
 * change: typing a search or picking a filter re-renders the table around them (the query, the
 * loading state) while the old rows stay as they are until the new ones arrive.
 *
 * Rows and cells are keyed by their place, not by user: a new page or search result reuses the
 * page's rows, cells, checkboxes and buttons, and only their text and values change. Keyed by
 * user, every result mounted a new table body (~1,000 elements for 50 rows), most of the time
 * between a search's response and its paint. What holds state per user starts over when the
 * user in its place changes (RoleCell, RowActionsCell: a menu opened for one user is not shown
 * for the next).
 */
const UsersTableBody = memo(function UsersTableBody({
  rows,
  openUser,
}: {
  rows: UsersRow[];
  /** Not read here (the rows read them from the table); they make a change render the rows again. */
  rowSelection: RowSelectionState;
  columnVisibility: ColumnVisibilityState;
  openUser: (id: string) => void;
}) {
  return (
    <tbody>
      {rows.map((row, place) => (
        <tr
          key={place}
          onPointerEnter={preloadUserDrawer}
          className="cursor-pointer border-t border-neutral-200 hover:bg-neutral-50 dark:border-neutral-800 dark:hover:bg-neutral-900"
          aria-selected={row.getIsSelected()}
          onClick={(e) => {
            if ((e.target as HTMLElement).closest("input, button, a, select, label")) return;
            openUser(row.original.id);
          }}
        >
          {row.getVisibleCells().map((cell) => (
            <td key={cell.column.id} className="px-3 py-2 wrap-anywhere">
              {flexRender(cell.column.columnDef.cell, cell.getContext())}
            </td>
          ))}
        </tr>
      ))}
    </tbody>
  );
});

export interface UsersTableProps {
  /** The rows the server page rendered, and the list key (usersListKey) of its URL. */
  result: ListUsersResult;
  resultKey: string;
  viewer: { userId: string; role: Role };
}

/** The users list: server-side search, filters, sort and keyset paging, all in the URL. */
export function UsersTable({ result: fromServer, resultKey, viewer }: UsersTableProps) {
  // The filters, sort and page change the URL without a server render (shallow): the rows come
  // from /users/rows (useUsersRows), which skips rendering the rest of the page. Opening or
  // closing the drawer still renders on the server (it loads the user).
  const [params, setParams] = useQueryStates(usersSearchParams, { shallow: true, history: "push" });
  const rows = useUsersRows(fromServer, resultKey, usersListKey(params));
  const { result } = rows;

  // The rows request starts here, with the URL change, not after React has rendered it. The
  // search's debounce calls this from an earlier render: the latest parameters come from a ref.
  const latestParams = useRef(params);
  useEffect(() => {
    latestParams.current = params;
  });
  // A search on its way (see `runSearch`): its term, and its list key.
  const pendingSearch = useRef<{ q: string; key: string } | null>(null);
  // A search shown whose URL is not written yet (SEARCH_URL_DELAY_MS): its term.
  const searchUrlDue = useRef<{ q: string } | null>(null);
  /**
   * What a URL change made now must carry of a shown search whose URL is still due: its term
   * and page 1. nuqs then drops the due write, and the change's own entry has the search, as
   * with a search on its way.
   */
  const unwrittenSearch = () => {
    const due = searchUrlDue.current;
    searchUrlDue.current = null;
    return due ? { q: due.q, cursor: null } : {};
  };
  const [slowSearch, setSlowSearch] = useState(false);
  const pending = rows.loading || slowSearch;
  const update = (patch: Partial<typeof params>, history: "push" | "replace" = "push") => {
    // A search still on its way goes into this change's URL: it is not lost, and not written after.
    const searching = pendingSearch.current;
    pendingSearch.current = null;
    if (searching) {
      rows.cancelLoad();
      setSlowSearch(false);
    }
    // (A page of the old result's cursor means nothing in the new one: the search starts at page 1.)
    const next = { cursor: null, ...unwrittenSearch(), ...(searching ? { q: searching.q } : {}), ...patch, ...(searching ? { cursor: null } : {}) };
    rows.prefetch(usersListKey({ ...latestParams.current, ...next }));
    void setParams(next, { history });
  };
  /**
   * The search box's term, after its debounce. Its rows are read first and the term (the list's
   * state) changes when they are here, in the same render: while they are on their way the page
   * does no work, so the browser and the server have the machine to themselves (writing the URL
   * at once rendered the table again, then Next's router, and the icon was fetched again, all
   * during the request). The URL itself is written SEARCH_URL_DELAY_MS later, once the rows are
   * painted; a change made before that carries the term in its own URL (`unwrittenSearch`).
   * "Loading…" shows if the rows take longer than SLOW_SEARCH_MS. The URL keeps its own history
   * entry (replace), as before; a newer search, another change or Back/Forward meanwhile wins.
   */
  // Back or Forward while a search is on its way: the history entry it lands on wins.
  const { cancelLoad } = rows;
  useEffect(() => {
    const onPopState = () => {
      searchUrlDue.current = null; // (nuqs drops its write)
      if (!pendingSearch.current) return;
      pendingSearch.current = null;
      cancelLoad();
      setSlowSearch(false);
    };
    window.addEventListener("popstate", onPopState);
    return () => window.removeEventListener("popstate", onPopState);
  }, [cancelLoad]);
  const runSearch = (q: string) => {
    const base = usersListKey(latestParams.current);
    const key = usersListKey({ ...latestParams.current, cursor: null, q });
    const mine = key === base ? null : { q, key };
    if (pendingSearch.current && !mine) {
      rows.cancelLoad();
      setSlowSearch(false);
    }
    pendingSearch.current = mine;
    if (!mine) return;
    const slow = setTimeout(() => pendingSearch.current === mine && setSlowSearch(true), SLOW_SEARCH_MS);
    const wanted = () => pendingSearch.current === mine && usersListKey(latestParams.current) === base;
    rows.load(key, wanted, (outcome) => {
      clearTimeout(slow);
      if (pendingSearch.current !== mine) return;
      pendingSearch.current = null;
      setSlowSearch(false);
      if (outcome === null) return;
      // A failure (shown with a retry) has no rows to paint first: its URL is written at once.
      if (!outcome) return void setParams({ cursor: null, q }, { history: "replace" });
      // The rows and the term render now; the URL follows once they are painted (Back, Forward or
      // another page meanwhile drop it: nuqs clears its queue on a history change).
      const due = { q };
      searchUrlDue.current = due;
      void setParams({ cursor: null, q }, { history: "replace", limitUrlUpdates: delayUrlUpdate(SEARCH_URL_DELAY_MS) }).finally(() => {
        if (searchUrlDue.current === due) searchUrlDue.current = null;
      });
    });
  };
  const [search, setSearch] = useState(params.q);
  const [rowSelection, setRowSelection] = useState<RowSelectionState>({});
  const [columnVisibility, setColumnVisibility] = useState<ColumnVisibilityState>({});
  const debounce = useRef<ReturnType<typeof setTimeout>>(undefined);

  // A new query (not a new page) forgets the selection: it named rows of another result.
  const filterKey = JSON.stringify([params.q, params.status, params.role, params.invitation, params.neverSignedIn, params.notSeenSince, params.sort]);
  const [lastFilterKey, setLastFilterKey] = useState(filterKey);
  if (filterKey !== lastFilterKey) {
    setLastFilterKey(filterKey);
    // (Only if something is selected: a new empty selection would render every row again.)
    if (Object.keys(rowSelection).length > 0) setRowSelection({});
  }
  useEffect(() => () => clearTimeout(debounce.current), []);

  const data = useMemo(() => result.data, [result.data]);
  const openUser = useCallback(
    (id: string) => void setParams({ user: id, ...unwrittenSearch() }, { history: "push", shallow: false }),
    [setParams],
  );
  const table = useTable({
    features,
    columns,
    data,
    getRowId: (row) => row.id,
    state: { rowSelection, columnVisibility },
    onRowSelectionChange: setRowSelection,
    onColumnVisibilityChange: setColumnVisibility,
    meta: { openUser, viewer } satisfies TableMeta,
  });

  const field = params.sort.replace(/^-/, "") as UserSortField;
  const descending = params.sort.startsWith("-");
  const activity = activityFilters(params);
  const filtered = params.q !== "" || params.status.length > 0 || params.role.length > 0 || activity.length > 0;
  const selectedCount = Object.values(rowSelection).filter(Boolean).length;
  const exportHref = (format: string) => {
    const qs = new URLSearchParams();
    if (params.q) qs.set("q", params.q);
    for (const v of params.status) qs.append("status", v);
    for (const v of params.role) qs.append("role", v);
    if (params.invitation) qs.set("invitation", params.invitation);
    if (params.neverSignedIn) qs.set("neverSignedIn", "true");
    if (params.notSeenSince) qs.set("notSeenSince", params.notSeenSince);
    qs.set("sort", params.sort);
    qs.set("format", format);
    return `/users/export?${qs}`;
  };

  return (
    <div className="mt-6" aria-busy={pending}>
      <div className="flex flex-wrap items-center gap-2">
        <input
          type="search"
          aria-label="Search users"
          placeholder="Search by name or email"
          maxLength={SEARCH_MAX_LENGTH}
          value={search}
          onChange={(e) => {
            const value = e.target.value;
            setSearch(value);
            clearTimeout(debounce.current);
            debounce.current = setTimeout(() => runSearch(value.trim()), 250);
          }}
          className="w-72 rounded-md border border-neutral-300 bg-white px-3 py-1.5 text-sm dark:border-neutral-700 dark:bg-neutral-900"
        />
        <LazyFilterMenu label="Status" options={STATUSES} labels={STATUS_LABELS} selected={params.status} onChange={(status) => update({ status })} />
        <LazyFilterMenu label="Role" options={ROLES} labels={ROLE_LABELS} selected={params.role} onChange={(role) => update({ role })} />
        {activity.map((f) => (
          <button
            key={f.key}
            type="button"
            aria-label={`Remove filter: ${f.label}`}
            className="inline-flex items-center gap-1 rounded-full border border-neutral-300 bg-neutral-100 px-3 py-1 text-sm hover:bg-neutral-200 dark:border-neutral-700 dark:bg-neutral-800 dark:hover:bg-neutral-700"
            onClick={() => update({ [f.key]: f.key === "neverSignedIn" ? false : null })}
          >
            {f.label} <span aria-hidden="true">×</span>
          </button>
        ))}
        {filtered ? (
          <button type="button" className={button} onClick={() => { setSearch(""); update({ q: "", status: [], role: [], invitation: null, neverSignedIn: false, notSeenSince: null }); }}>
            Clear filters
          </button>
        ) : null}
        <div className="ml-auto flex items-center gap-2">
          <DeleteByListButton viewer={viewer} />
          <LazyOpen
            importer={loadColumnsMenu}
            props={{
              columns: table.getAllLeafColumns().filter((c) => c.getCanHide()).map((c) => ({ id: c.id, label: COLUMN_LABELS[c.id] ?? c.id, visible: c.getIsVisible() })),
              onToggle: (id: string, visible: boolean) => table.getColumn(id)?.toggleVisibility(visible),
            }}
            placeholder={(t) => <button type="button" aria-haspopup="menu" className={button} {...t}>Columns</button>}
          />
          <LazyOpen
            importer={loadExportMenu}
            props={{ hrefOf: exportHref }}
            placeholder={(t) => <button type="button" aria-haspopup="menu" className={button} {...t}>Export</button>}
          />
        </div>
      </div>

      <p className="mt-3 text-sm text-neutral-600 dark:text-neutral-400" aria-live="polite">
        {formatTotal(result.total, result.totalExact)}
        {filtered ? " match" : ""}
        {selectedCount > 0 ? ` · ${selectedCount} selected` : ""}
        {pending ? " · Loading…" : ""}
      </p>
      <BulkBar
        key={filterKey}
        viewer={viewer}
        selectedIds={Object.keys(rowSelection).filter((id) => rowSelection[id])}
        allPageSelected={table.getIsAllPageRowsSelected()}
        pageKey={params.cursor ?? ""}
        total={result.total}
        totalExact={result.totalExact}
        filter={{ q: params.q || undefined, status: params.status, role: params.role, sort: params.sort }}
        onClear={() => setRowSelection({})}
      />

      {rows.error ? (
        <UsersLoadError detail={rows.error} onRetry={rows.retry} />
      ) : result.data.length === 0 ? (
        <div className="mt-6 rounded-lg border border-dashed border-neutral-300 p-10 text-center dark:border-neutral-700">
          <p className="font-medium">{filtered ? "No users match these filters." : "Your organization has no users yet."}</p>
          {filtered ? (
            <button type="button" className={`${button} mt-4`} onClick={() => { setSearch(""); update({ q: "", status: [], role: [] }); }}>
              Clear filters
            </button>
          ) : null}
        </div>
      ) : (
        <div className="mt-3 overflow-x-auto rounded-lg border border-neutral-200 dark:border-neutral-800">
          <table className="w-full min-w-[60rem] table-fixed text-left text-sm" aria-label="Users">
            <thead className="bg-neutral-50 dark:bg-neutral-900">
              {table.getHeaderGroups().map((group) => (
                <tr key={group.id}>
                  {group.headers.map((header) => {
                    const sortField = SORTABLE[header.column.id];
                    const active = sortField === field;
                    return (
                      <th
                        key={header.id}
                        scope="col"
                        aria-sort={active ? (descending ? "descending" : "ascending") : sortField ? "none" : undefined}
                        className={`px-3 py-2 font-medium ${COLUMN_WIDTHS[header.column.id] ?? ""}`}
                      >
                        {sortField ? (
                          <button
                            type="button"
                            className="inline-flex items-center gap-1 hover:underline"
                            onClick={() => update({ sort: (active && !descending ? `-${sortField}` : sortField) as UserSort })}
                          >
                            {flexRender(header.column.columnDef.header, header.getContext())}
                            <span aria-hidden="true">{active ? (descending ? "↓" : "↑") : ""}</span>
                          </button>
                        ) : (
                          flexRender(header.column.columnDef.header, header.getContext())
                        )}
                      </th>
                    );
                  })}
                </tr>
              ))}
            </thead>
            <UsersTableBody
              rows={table.getRowModel().rows}
              rowSelection={rowSelection}
              columnVisibility={columnVisibility}
              openUser={openUser}
            />
          </table>
        </div>
      )}

      <Pager
        limit={params.limit}
        sizes={PAGE_SIZES}
        onLimit={(limit) => update({ limit })}
        prevCursor={result.prevCursor}
        nextCursor={result.nextCursor}
        onCursor={(cursor) => update({ cursor })}
        pending={pending}
      />
    </div>
  );
}
