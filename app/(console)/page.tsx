import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { SmallBarChart } from "@/components/overview/bar-chart";
import { describeChanges, formatTime } from "@/components/audit/format";
import { ROLE_LABELS, STATUS_LABELS } from "@/components/users/format";
import { currentPrincipal } from "@/lib/auth/session";
import { checkHealth } from "@/lib/health";
import { userApi } from "@/lib/user-api";
import type { OverviewFigure, OverviewInvitation } from "@/lib/users";
import { ROLES, STATUSES } from "@/lib/validation/enums";
import { serializeAuditSearchParams } from "@/lib/validation/audit-search-params";
import { serializeUsersSearchParams } from "@/lib/validation/users-search-params";

export const metadata: Metadata = { title: "Overview" };
export const dynamic = "force-dynamic";

const usersHref = (q: OverviewFigure["query"] & { role?: (typeof ROLES)[number][]; user?: string }) =>
  serializeUsersSearchParams("/users", {
    status: q.status ?? null,
    role: q.role ?? null,
    invitation: q.invitation ?? null,
    neverSignedIn: q.neverSignedIn ?? null,
    notSeenSince: q.notSeenSince ?? null,
    user: q.user ?? null,
  });

const count = (total: number, exact: boolean) =>
  exact ? total.toLocaleString("en-US") : total <= 10_000 ? "1,000+" : `about ${total.toLocaleString("en-US")}`;

const card = "rounded-lg border border-neutral-200 p-5 dark:border-neutral-800";
const link = "font-medium text-blue-700 underline underline-offset-2 dark:text-blue-400";

export default async function OverviewPage() {
  const principal = await currentPrincipal();
  if (!principal) redirect("/sign-in");
  const [o, health] = await Promise.all([userApi().overview(principal), checkHealth()]);
  const byStatus = STATUSES.map((s) => ({ key: s, label: STATUS_LABELS[s], value: o.stats.byStatus[s] }));
  const byRole = ROLES.map((r) => ({ key: r, label: ROLE_LABELS[r], value: o.stats.byRole[r] }));
  const estimate = o.stats.exact ? "" : " (estimates)";
  return (
    <main>
      <h1 className="text-2xl font-semibold tracking-tight">Overview</h1>
      <p className="mt-2 text-neutral-600 dark:text-neutral-400">
        <Link href="/users" className={link}>{count(o.stats.total, o.stats.exact)} users</Link> in your organization{estimate}.
      </p>

      <div className="mt-6 grid gap-6 md:grid-cols-2">
        <section aria-labelledby="by-status" className={card}>
          <h2 id="by-status" className="text-lg font-medium">Users by status</h2>
          <SmallBarChart title="Users by status" data={byStatus} />
          <FigureTable caption="Users by status" rows={byStatus.map((s) => ({ ...s, href: usersHref({ status: [s.key] }) }))} />
        </section>
        <section aria-labelledby="by-role" className={card}>
          <h2 id="by-role" className="text-lg font-medium">Users by role</h2>
          <SmallBarChart title="Users by role" data={byRole} />
          <FigureTable caption="Users by role" rows={byRole.map((r) => ({ ...r, href: usersHref({ role: [r.key] }) }))} />
        </section>

        <InvitationsCard id="pending" title="Pending invitations" figure={o.invitations.pending}
          empty="No invitation is waiting." dateLabel="Expires" />
        <InvitationsCard id="expired" title="Expired invitations" figure={o.invitations.expired}
          empty="No invitation has expired unanswered." dateLabel="Expired" />

        <section aria-labelledby="sign-in-activity" className={card}>
          <h2 id="sign-in-activity" className="text-lg font-medium">Sign-in activity</h2>
          <dl className="mt-3 grid grid-cols-[1fr_max-content] gap-x-6 gap-y-2 text-sm">
            <dt>Active users who never signed in</dt>
            <dd>
              <Link href={usersHref(o.neverSignedIn.query)} className={link} aria-label={`${count(o.neverSignedIn.total, o.neverSignedIn.totalExact)} active users who never signed in`}>
                {count(o.neverSignedIn.total, o.neverSignedIn.totalExact)}
              </Link>
            </dd>
            <dt>Active users not seen for {o.notSeen.days} days (last sign-in before {o.notSeen.since})</dt>
            <dd>
              <Link href={usersHref(o.notSeen.query)} className={link} aria-label={`${count(o.notSeen.total, o.notSeen.totalExact)} active users not seen for ${o.notSeen.days} days`}>
                {count(o.notSeen.total, o.notSeen.totalExact)}
              </Link>
            </dd>
          </dl>
        </section>

        {o.adminActivity ? (
          <section aria-labelledby="admin-activity" className={card}>
            <h2 id="admin-activity" className="text-lg font-medium">Recent admin activity</h2>
            {o.adminActivity.length === 0 ? (
              <p className="mt-3 text-sm text-neutral-600 dark:text-neutral-400">No admin has done anything yet.</p>
            ) : (
              <ol className="mt-3 space-y-2 text-sm">
                {o.adminActivity.map((e) => (
                  <li key={e.id}>
                    <time dateTime={e.createdAt} className="text-neutral-600 dark:text-neutral-400">{formatTime(e.createdAt)}</time>{" "}
                    <Link href={serializeAuditSearchParams("/audit", { actor: e.actorEmail ?? e.actorId ?? "" })} className={link}>{e.actorEmail ?? "—"}</Link>{" "}
                    <code className="text-xs">{e.action}</code>
                    {e.targetEmail ? <> · <Link href={serializeAuditSearchParams("/audit", { target: e.targetEmail })} className={link}>{e.targetEmail}</Link></> : null}
                    {e.outcome === "refused" ? <span className="ml-1 text-red-700 dark:text-red-400">(refused)</span> : null}
                    {describeChanges(e) && e.outcome === "success" ? <span className="block text-neutral-700 dark:text-neutral-300">{describeChanges(e)}</span> : null}
                  </li>
                ))}
              </ol>
            )}
            <p className="mt-3 text-sm">
              <Link href={serializeAuditSearchParams("/audit", { actorRole: "admin" })} className={link}>See all admin activity</Link>
            </p>
          </section>
        ) : null}
      </div>

      <section aria-labelledby="status-heading" className={`mt-6 max-w-md ${card}`}>
        <h2 id="status-heading" className="text-lg font-medium">System status</h2>
        <dl className="mt-3 grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2 text-sm">
          <dt className="text-neutral-600 dark:text-neutral-400">Database</dt>
          <dd>{health.ok ? (health.database === "pglite" ? "Embedded (PGlite)" : "PostgreSQL") : (health.error ?? "Unavailable")}</dd>
          <dt className="text-neutral-600 dark:text-neutral-400">Schema migrations applied</dt>
          <dd>{health.migrations}</dd>
        </dl>
      </section>
    </main>
  );
}

function FigureTable({ caption, rows }: { caption: string; rows: { key: string; label: string; value: number; href: string }[] }) {
  return (
    <table className="mt-3 w-full text-left text-sm">
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr className="text-neutral-600 dark:text-neutral-400">
          <th scope="col" className="py-1 font-medium">{caption.replace("Users by ", "").replace(/^./, (c) => c.toUpperCase())}</th>
          <th scope="col" className="py-1 text-right font-medium">Users</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key} className="border-t border-neutral-200 dark:border-neutral-800">
            <th scope="row" className="py-1 font-normal">{r.label}</th>
            <td className="py-1 text-right">
              <Link href={r.href} className={link} aria-label={`${r.value.toLocaleString("en-US")} ${r.label.toLowerCase()} users`}>
                {r.value.toLocaleString("en-US")}
              </Link>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function InvitationsCard({
  id, title, figure, empty, dateLabel,
}: {
  id: string;
  title: string;
  figure: OverviewFigure & { oldest: OverviewInvitation[] };
  empty: string;
  dateLabel: string;
}) {
  const n = count(figure.total, figure.totalExact);
  return (
    <section aria-labelledby={`${id}-invitations`} className={card}>
      <h2 id={`${id}-invitations`} className="text-lg font-medium">
        {title}:{" "}
        <Link href={usersHref(figure.query)} className={link} aria-label={`${n} ${title.toLowerCase()}`}>{n}</Link>
      </h2>
      {figure.oldest.length === 0 ? (
        <p className="mt-3 text-sm text-neutral-600 dark:text-neutral-400">{empty}</p>
      ) : (
        <>
          <p className="mt-1 text-sm text-neutral-600 dark:text-neutral-400">Oldest first</p>
          <ul className="mt-2 space-y-1 text-sm">
            {figure.oldest.map((i) => (
              <li key={i.userId} className="flex justify-between gap-3">
                <Link href={usersHref({ ...figure.query, user: i.userId })} className={link}>{i.email}</Link>
                <span className="text-neutral-600 dark:text-neutral-400">{dateLabel} {i.expiresAt.slice(0, 10)}</span>
              </li>
            ))}
          </ul>
          {figure.total > figure.oldest.length ? (
            <p className="mt-3 text-sm">
              <Link href={usersHref(figure.query)} className={link}>See all {n} {title.toLowerCase()}</Link>
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}
