// The keyset pager under a server-paginated table (users, audit log): page size, previous, next.
// The cursors come from the server's answer; the parent puts them (and the size) in the URL.

/** The outlined button of the console's toolbars and pagers. */
export const outlineButton =
  "rounded-md border border-neutral-300 px-3 py-1.5 text-sm hover:bg-neutral-100 disabled:cursor-not-allowed disabled:opacity-50 dark:border-neutral-700 dark:hover:bg-neutral-800";

export function Pager<Size extends number>({
  limit,
  sizes,
  onLimit,
  prevCursor,
  nextCursor,
  onCursor,
  pending = false,
}: {
  limit: Size;
  sizes: readonly Size[];
  onLimit: (limit: Size) => void;
  prevCursor: string | null;
  nextCursor: string | null;
  onCursor: (cursor: string) => void;
  /** A page is loading: both buttons wait for it. */
  pending?: boolean;
}) {
  return (
    <nav aria-label="Pagination" className="mt-3 flex flex-wrap items-center justify-between gap-3 text-sm">
      <label className="flex items-center gap-2">
        Rows per page
        <select
          value={limit}
          onChange={(e) => onLimit(Number(e.target.value) as Size)}
          className="rounded-md border border-neutral-300 bg-white px-2 py-1 dark:border-neutral-700 dark:bg-neutral-900"
        >
          {sizes.map((n) => <option key={n} value={n}>{n}</option>)}
        </select>
      </label>
      <div className="flex gap-2">
        <button type="button" className={outlineButton} disabled={!prevCursor || pending} onClick={() => prevCursor && onCursor(prevCursor)}>
          Previous page
        </button>
        <button type="button" className={outlineButton} disabled={!nextCursor || pending} onClick={() => nextCursor && onCursor(nextCursor)}>
          Next page
        </button>
      </div>
    </nav>
  );
}
