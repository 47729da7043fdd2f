import Link from "next/link";
import type { UserStats } from "@/lib/users/stats";
import { ROLES, STATUSES } from "@/lib/validation/enums";
import { ROLE_LABELS, STATUS_LABELS } from "./format";

const fmt = (n: number, exact: boolean) => `${exact ? "" : "≈ "}${n.toLocaleString("en-US")}`;

/** Counts by status and by role; each figure links to the list filtered by it. */
export function UsersStats({ stats }: { stats: UserStats }) {
  const items = [
    ...STATUSES.map((s) => ({ key: `status-${s}`, label: STATUS_LABELS[s], n: stats.byStatus[s], href: `/users?status=${s}` })),
    ...ROLES.map((r) => ({ key: `role-${r}`, label: `${ROLE_LABELS[r]}s`, n: stats.byRole[r], href: `/users?role=${r}` })),
  ];
  return (
    <section aria-labelledby="users-stats-heading" className="mt-4">
      <h2 id="users-stats-heading" className="sr-only">Users by status and role</h2>
      <ul className="flex flex-wrap gap-2 text-sm">
        {items.map((i) => (
          <li key={i.key}>
            <Link href={i.href} className="inline-flex gap-1 rounded-md border border-neutral-200 px-3 py-1 hover:bg-neutral-100 dark:border-neutral-800 dark:hover:bg-neutral-800">
              <span className="text-neutral-600 dark:text-neutral-400">{i.label}</span>
              <span className="font-medium tabular-nums">{fmt(i.n, stats.exact)}</span>
            </Link>
          </li>
        ))}
      </ul>
      {stats.exact ? null : <p className="mt-1 text-xs text-neutral-600 dark:text-neutral-400">≈ estimated: a very large organization.</p>}
    </section>
  );
}
