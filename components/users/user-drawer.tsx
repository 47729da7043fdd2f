"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useQueryStates } from "nuqs";
import { useState, useTransition } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { Field } from "@/components/forms/field";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { useToast } from "@/components/ui/toaster";
import type { ActionResult } from "@/lib/auth/action";
import { can, canEditTarget } from "@/lib/users/policy";
import type { AuditEventDTO } from "@/lib/users/audit-log";
import { describeChanges } from "@/components/audit/format";
import type { UserDetailDTO } from "@/lib/users/types";
import { PROFILE_FIELDS, ROLES, type Role } from "@/lib/validation/enums";
import { updateUserSchema } from "@/lib/validation/users";
import { usersSearchParams } from "@/lib/validation/users-search-params";
import {
  changeRoleAction,
  copyInvitationLinkAction,
  deactivateUserAction,
  deleteUserAction,
  endSessionsAction,
  reactivateUserAction,
  resendInvitationAction,
  resetPasswordAction,
  revokeInvitationAction,
  updateUserAction,
} from "@/app/(console)/users/actions";
import { formatDate, ROLE_LABELS, statusLabel } from "./format";
import { placeFieldErrors } from "@/components/forms/server-errors";

export interface Viewer {
  userId: string;
  role: Role;
}

const PROFILE_LABELS: Record<(typeof PROFILE_FIELDS)[number], string> = {
  login: "Login", firstName: "First name", lastName: "Last name", company: "Company", phone: "Phone",
  address: "Address", postalCode: "Postal code", city: "City", state: "State", country: "Country",
};

const button = "rounded-md border border-neutral-300 px-3 py-1.5 text-sm hover:bg-neutral-100 disabled:cursor-not-allowed disabled:opacity-50 dark:border-neutral-700 dark:hover:bg-neutral-800";

/** Why the viewer may not change this user's role, or null when they may. */
export function roleLock(viewer: Viewer, user: Pick<UserDetailDTO, "id" | "isLastActiveAdmin">): string | null {
  if (!can({ role: viewer.role }, "users:change_role")) return `${ROLE_LABELS[viewer.role]}s cannot change roles; ask an admin.`;
  if (user.id === viewer.userId) return "You cannot change your own role.";
  if (user.isLastActiveAdmin) return "This is the organization's last active admin; make someone else an admin first.";
  return null;
}

/** The drawer for one user: a dialog named after them, opened from the list (?user=ID). */
export function UserDrawer({ user, timeline, viewer }: { user: UserDetailDTO; timeline: AuditEventDTO[] | null; viewer: Viewer }) {
  const [, setParams] = useQueryStates(usersSearchParams, { shallow: false });
  const router = useRouter();
  const toast = useToast();
  const title = user.name || user.email;

  const close = () => {
    void setParams({ user: null });
  };
  /** Runs an action; reports its outcome; refreshes the list and the drawer. */
  const run = async <T,>(result: Promise<ActionResult<T>>, success: (data: T) => string): Promise<T | null> => {
    const r = await result;
    if (!r.ok) {
      toast({ tone: "error", message: r.error.message });
      router.refresh();
      return null;
    }
    toast({ tone: "success", message: success(r.data) });
    router.refresh();
    return r.data;
  };

  const isAdmin = viewer.role === "admin";
  const self = user.id === viewer.userId;
  const lifecycleLock = !can({ role: viewer.role }, "users:deactivate")
    ? `${ROLE_LABELS[viewer.role]}s cannot do this; ask an admin.`
    : self
      ? "You cannot do this to your own account."
      : user.isLastActiveAdmin
        ? "This is the organization's last active admin."
        : undefined;

  return (
    <Dialog.Root open onOpenChange={(open) => (open ? undefined : close())}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-black/30" />
        <Dialog.Content
          onCloseAutoFocus={(e) => {
            // Back to the row that opened the drawer.
            const opener = document.querySelector<HTMLElement>(`[data-open-user="${user.id}"]`);
            if (opener) {
              e.preventDefault();
              opener.focus();
            }
          }}
          className="fixed inset-y-0 right-0 z-50 flex w-[36rem] max-w-full flex-col overflow-y-auto bg-white shadow-2xl dark:bg-neutral-950"
        >
          <div className="flex items-start justify-between gap-4 border-b border-neutral-200 px-6 py-4 dark:border-neutral-800">
            <div>
              <Dialog.Title className="text-xl font-semibold">{title}</Dialog.Title>
              <Dialog.Description className="text-sm text-neutral-600 dark:text-neutral-400">
                {user.email} · {ROLE_LABELS[user.role]} · {statusLabel(user)}
              </Dialog.Description>
            </div>
            <Dialog.Close className={button}>Close</Dialog.Close>
          </div>

          <div className="space-y-8 px-6 py-6">
            <RoleSection user={user} viewer={viewer} run={run} />
            <Details user={user} />
            {user.status === "invited" ? <InvitationSection user={user} viewer={viewer} run={run} /> : null}
            <ProfileSection key={user.version} user={user} viewer={viewer} run={run} />

            {isAdmin ? (
              <section aria-labelledby="lifecycle-heading">
                <h3 id="lifecycle-heading" className="text-base font-semibold">Access</h3>
                <div className="mt-3 flex flex-wrap gap-2">
                  {user.status === "deactivated" ? (
                    <ConfirmButton label="Reactivate" title={`Reactivate ${title}?`} confirmLabel="Reactivate"
                      description={user.hasPassword ? "They can sign in again with their password." : "They have no password yet, so they go back to invited; resend their invitation."}
                      disabled={!!lifecycleLock && self} disabledReason={lifecycleLock}
                      onConfirm={async () => { await run(reactivateUserAction(user.id), () => `Reactivated ${user.email}`); }} />
                  ) : (
                    <ConfirmButton label="Deactivate" title={`Deactivate ${title}?`} confirmLabel="Deactivate" destructive
                      description={<>Their sessions end at once, their API keys ({user.apiKeys.active}) are revoked and any pending invitation stops working. You can reactivate them later.</>}
                      disabled={!!lifecycleLock} disabledReason={lifecycleLock}
                      onConfirm={async () => { await run(deactivateUserAction(user.id), () => `Deactivated ${user.email}`); }} />
                  )}
                  {user.status === "active" ? (
                    <>
                      <ConfirmButton label="Reset password" title={`Reset ${title}'s password?`} confirmLabel="Send reset link"
                        description="Their current password stops working and their sessions end. They get an email with a link to choose a new one."
                        onConfirm={async () => { await run(resetPasswordAction(user.id, { mode: "email_link" }), () => `Password reset; a link was emailed to ${user.email}`); }} />
                      <TemporaryPassword user={user} run={run} />
                      <ConfirmButton label="End all sessions" title={`End all of ${title}'s sessions?`} confirmLabel="End sessions"
                        description="They are signed out everywhere on their next click; their password stays the same."
                        onConfirm={async () => { await run(endSessionsAction(user.id), () => `Ended ${user.email}'s sessions`); }} />
                    </>
                  ) : null}
                  <ConfirmButton label="Delete user" title={`Delete ${title}?`} confirmLabel="Delete" destructive
                    description={<>This cannot be undone. With the user go their API keys ({user.apiKeys.active} active) and invitations. The audit log keeps what they did and what was done to them.</>}
                    disabled={!!lifecycleLock} disabledReason={lifecycleLock}
                    onConfirm={async () => {
                      const done = await run(deleteUserAction(user.id), () => `Deleted ${user.email}`);
                      if (done) close();
                    }} />
                </div>
                {lifecycleLock ? <p className="mt-2 text-sm text-neutral-600 dark:text-neutral-400">{lifecycleLock}</p> : null}
              </section>
            ) : null}

            {timeline ? <Timeline events={timeline} userId={user.id} /> : null}
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

type Run = <T>(result: Promise<ActionResult<T>>, success: (data: T) => string) => Promise<T | null>;

function RoleSection({ user, viewer, run }: { user: UserDetailDTO; viewer: Viewer; run: Run }) {
  const [role, setRole] = useState<Role>(user.role);
  const [pending, startTransition] = useTransition();
  const lock = roleLock(viewer, user);
  return (
    <section aria-labelledby="role-heading">
      <h3 id="role-heading" className="text-base font-semibold">Role</h3>
      <div className="mt-2 flex items-center gap-3">
        <label htmlFor="user-role" className="sr-only">Role</label>
        <select
          id="user-role"
          value={role}
          disabled={!!lock || pending}
          aria-describedby={lock ? "role-lock" : undefined}
          onChange={(e) => {
            const next = e.target.value as Role;
            const previous = role;
            setRole(next); // optimistic; rolled back with the server's reason on refusal
            startTransition(async () => {
              const done = await run(changeRoleAction(user.id, { role: next, expectedVersion: user.version }), () => `${user.email} is now ${ROLE_LABELS[next].toLowerCase()}`);
              if (!done) setRole(previous);
            });
          }}
          className="rounded-md border border-neutral-300 bg-white px-3 py-1.5 text-sm disabled:opacity-60 dark:border-neutral-700 dark:bg-neutral-900"
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>{ROLE_LABELS[r]}</option>
          ))}
        </select>
        {pending ? <span className="text-sm text-neutral-600 dark:text-neutral-400">Saving…</span> : null}
      </div>
      {lock ? <p id="role-lock" className="mt-2 text-sm text-neutral-600 dark:text-neutral-400">{lock}</p> : null}
    </section>
  );
}

function Details({ user }: { user: UserDetailDTO }) {
  const rows: [string, React.ReactNode][] = [
    ["Email", user.email],
    ["Status", statusLabel(user)],
    ["Developer", user.isDeveloper ? "Yes" : "No"],
    ["Last sign-in", user.lastLoginAt ? formatDate(user.lastLoginAt) : "Never"],
    ["Created", formatDate(user.createdAt)],
    ["Updated", formatDate(user.updatedAt)],
    ["Invited by", user.invitedByUser ? `${user.invitedByUser.name || user.invitedByUser.email} (${user.invitedByUser.email})` : "—"],
    ["API keys", user.apiKeys.active === 0 ? "None" : `${user.apiKeys.active} active${user.apiKeys.lastUsedAt ? `, last used ${formatDate(user.apiKeys.lastUsedAt)}` : ", never used"}`],
  ];
  if (user.deactivatedAt) rows.push(["Deactivated", formatDate(user.deactivatedAt)]);
  if (user.mustChangePassword) rows.push(["Password", "Temporary: must be changed at next sign-in"]);
  return (
    <section aria-labelledby="details-heading">
      <h3 id="details-heading" className="text-base font-semibold">Details</h3>
      <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1.5 text-sm">
        {rows.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="text-neutral-600 dark:text-neutral-400">{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function InvitationSection({ user, viewer, run }: { user: UserDetailDTO; viewer: Viewer; run: Run }) {
  const [link, setLink] = useState<string | null>(null);
  const inv = user.invitation;
  const allowed = can({ role: viewer.role }, "invitations:manage") && (viewer.role === "admin" || user.role === "member" || user.role === "manager");
  return (
    <section aria-labelledby="invitation-heading">
      <h3 id="invitation-heading" className="text-base font-semibold">Invitation</h3>
      <p className="mt-2 text-sm">
        {inv
          ? inv.state === "pending"
            ? `Pending: sent ${inv.sentAt ? formatDate(inv.sentAt) : "not by email"}, expires ${formatDate(inv.expiresAt)}.`
            : inv.state === "expired"
              ? `Expired on ${formatDate(inv.expiresAt)}. Resend it to give them a new link.`
              : inv.state === "revoked"
                ? `Revoked on ${formatDate(inv.revokedAt)}.`
                : "Accepted."
          : "No invitation has been sent."}
      </p>
      {allowed ? (
        <div className="mt-3 flex flex-wrap gap-2">
          <button type="button" className={button} onClick={() => run(resendInvitationAction(user.id), () => `Invitation sent to ${user.email}`)}>
            Resend invitation
          </button>
          {inv?.state === "pending" ? (
            <ConfirmButton label="Revoke invitation" title="Revoke this invitation?" confirmLabel="Revoke" destructive
              description="The link they were sent stops working. You can send a new one later."
              onConfirm={async () => { await run(revokeInvitationAction(user.id), () => `Invitation to ${user.email} revoked`); }} />
          ) : null}
          <button
            type="button"
            className={button}
            onClick={async () => {
              const data = await run(copyInvitationLinkAction(user.id), () => "A new invitation link was made; the previous one no longer works");
              if (data?.invitationLink) {
                setLink(data.invitationLink);
                await navigator.clipboard?.writeText(data.invitationLink).catch(() => undefined);
              }
            }}
          >
            Copy invitation link
          </button>
        </div>
      ) : (
        <p className="mt-2 text-sm text-neutral-600 dark:text-neutral-400">You cannot manage this invitation.</p>
      )}
      {link ? (
        <div className="mt-3">
          <label htmlFor="invitation-link" className="block text-sm font-medium">Invitation link</label>
          <input id="invitation-link" readOnly value={link} onFocus={(e) => e.currentTarget.select()}
            className="mt-1 block w-full rounded-md border border-neutral-300 bg-neutral-50 px-3 py-2 font-mono text-xs dark:border-neutral-700 dark:bg-neutral-900" />
        </div>
      ) : null}
    </section>
  );
}

type ProfileValues = z.input<typeof updateUserSchema>;

function ProfileSection({ user, viewer, run }: { user: UserDetailDTO; viewer: Viewer; run: Run }) {
  const editable = can({ role: viewer.role }, "users:edit") && canEditTarget(viewer.role, user.role);
  const [stale, setStale] = useState<string | null>(null);
  const router = useRouter();
  const defaults: ProfileValues = {
    name: user.name,
    isDeveloper: user.isDeveloper,
    ...Object.fromEntries(PROFILE_FIELDS.map((f) => [f, user[f] ?? ""])),
  };
  const { register, handleSubmit, setError, formState } = useForm<ProfileValues>({
    resolver: zodResolver(updateUserSchema),
    defaultValues: defaults,
  });
  if (!editable) {
    return (
      <section aria-labelledby="profile-heading">
        <h3 id="profile-heading" className="text-base font-semibold">Profile</h3>
        <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1.5 text-sm">
          {PROFILE_FIELDS.map((f) => (
            <div key={f} className="contents">
              <dt className="text-neutral-600 dark:text-neutral-400">{PROFILE_LABELS[f]}</dt>
              <dd>{user[f] ?? "—"}</dd>
            </div>
          ))}
        </dl>
        <p className="mt-2 text-sm text-neutral-600 dark:text-neutral-400">
          {viewer.role === "manager" ? "Managers can edit members only." : `${ROLE_LABELS[viewer.role]}s cannot edit users.`}
        </p>
      </section>
    );
  }
  const onSubmit = handleSubmit(async (values) => {
    setStale(null);
    // Only what changed is sent, with the version the drawer loaded (stale writes are refused).
    const dirty = Object.fromEntries(Object.entries(values).filter(([k]) => formState.dirtyFields[k as keyof ProfileValues]));
    if (Object.keys(dirty).length === 0) return;
    const result = await updateUserAction(user.id, { ...dirty, expectedVersion: user.version });
    if (!result.ok) {
      if (result.error.code === "CONFLICT") {
        setStale(result.error.message);
        return;
      }
      const placed = placeFieldErrors(setError, result.error.fields, Object.keys(defaults) as (keyof ProfileValues)[]);
      if (!placed) await run(Promise.resolve(result), () => "");
      return;
    }
    await run(Promise.resolve(result), () => `Saved ${user.email}`);
  });
  return (
    <section aria-labelledby="profile-heading">
      <h3 id="profile-heading" className="text-base font-semibold">Profile</h3>
      <form onSubmit={onSubmit} className="mt-3 space-y-3" noValidate>
        <Field id="user-name" label="Name" error={formState.errors.name?.message} {...register("name")} />
        <div className="grid grid-cols-2 gap-3">
          {PROFILE_FIELDS.map((f) => (
            <Field key={f} id={`user-${f}`} label={PROFILE_LABELS[f]} error={formState.errors[f]?.message} {...register(f)} />
          ))}
        </div>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" {...register("isDeveloper")} />
          Developer
        </label>
        {stale ? (
          <div role="alert" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
            {stale}
            <button type="button" className={`${button} ml-3`} onClick={() => router.refresh()}>Reload</button>
          </div>
        ) : null}
        <button type="submit" disabled={formState.isSubmitting || !formState.isDirty} className={button}>
          {formState.isSubmitting ? "Saving…" : "Save profile"}
        </button>
      </form>
    </section>
  );
}

function TemporaryPassword({ user, run }: { user: UserDetailDTO; run: Run }) {
  const [password, setPassword] = useState<string | null>(null);
  return (
    <>
      <ConfirmButton label="Set temporary password" title={`Set a temporary password for ${user.name || user.email}?`} confirmLabel="Set temporary password"
        description="Their current password stops working and their sessions end. You will see the temporary password once; they must change it when they sign in."
        onConfirm={async () => {
          const data = await run(resetPasswordAction(user.id, { mode: "temporary_password" }), () => "Temporary password set; it is shown once");
          if (data?.temporaryPassword) setPassword(data.temporaryPassword);
        }} />
      {password ? (
        <div className="w-full">
          <label htmlFor="temporary-password" className="block text-sm font-medium">Temporary password (shown once)</label>
          <input id="temporary-password" readOnly value={password} onFocus={(e) => e.currentTarget.select()}
            className="mt-1 block w-full rounded-md border border-neutral-300 bg-neutral-50 px-3 py-2 font-mono text-sm dark:border-neutral-700 dark:bg-neutral-900" />
        </div>
      ) : null}
    </>
  );
}

function Timeline({ events, userId }: { events: AuditEventDTO[]; userId: string }) {
  return (
    <section aria-labelledby="timeline-heading">
      <h3 id="timeline-heading" className="text-base font-semibold">Recent activity</h3>
      {events.length === 0 ? (
        <p className="mt-2 text-sm text-neutral-600 dark:text-neutral-400">Nothing recorded yet.</p>
      ) : (
        <ol className="mt-2 space-y-2 text-sm">
          {events.map((e) => (
            <li key={e.id} className="rounded-md border border-neutral-200 px-3 py-2 dark:border-neutral-800">
              <div className="flex justify-between gap-3">
                <span className="font-medium">{e.action}</span>
                <time dateTime={e.createdAt} className="text-neutral-600 dark:text-neutral-400">{e.createdAt.slice(0, 16).replace("T", " ")} UTC</time>
              </div>
              <div className="text-neutral-700 dark:text-neutral-300">by {e.actorEmail ?? "—"}{describeChanges(e) ? ` · ${describeChanges(e)}` : ""}</div>
            </li>
          ))}
        </ol>
      )}
      <p className="mt-2 text-sm">
        <a href={`/audit?target=${encodeURIComponent(userId)}`} className="underline underline-offset-2">All of this user&apos;s events in the audit log</a>
      </p>
    </section>
  );
}
