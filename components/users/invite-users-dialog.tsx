"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import type { z } from "zod";
import { Field, FormError } from "@/components/forms/field";
import { DialogPanel } from "@/components/ui/dialog-panel";
import { GRANTABLE_ROLES } from "@/lib/users/policy";
import type { BulkItemResult } from "@/lib/users/types";
import type { InviteMode, Role } from "@/lib/validation/enums";
import { inviteUsersSchema, splitList } from "@/lib/validation/users";
import { inviteUsersAction } from "@/app/(console)/users/actions";
import { CopyButton } from "./copy-button";
import { ROLE_LABELS } from "./format";
import { button, primary } from "./styles";
import { placeFieldErrors } from "@/components/forms/server-errors";

type Input = z.input<typeof inviteUsersSchema>;
type Output = z.output<typeof inviteUsersSchema>;

const MODES: { value: InviteMode; label: string; hint: string }[] = [
  { value: "email_link", label: "Email an invitation link", hint: "Each person gets an email with a single-use link to set their password." },
  { value: "temporary_password", label: "Temporary password", hint: "They are created active with a password you see once and hand over; they change it at first sign-in." },
  { value: "none", label: "No email: copy the links", hint: "They are created as invited; you copy each invitation link and send it yourself." },
];


/** What one outcome means to the person who pasted the list. */
export function describeOutcome(r: BulkItemResult, mode: InviteMode): { label: string; reason: string } {
  if (r.outcome === "invited") {
    return mode === "temporary_password"
      ? { label: "Created", reason: "Active with the temporary password shown here (once)" }
      : mode === "none"
        ? { label: "Invited", reason: "No email sent: copy the link and send it" }
        : { label: "Invited", reason: "Invitation email queued" };
  }
  if (r.code === "DUPLICATE") return { label: "Duplicate", reason: r.message ?? "Already in this list" };
  if (r.code === "CONFLICT") return { label: "Already a user", reason: r.message ?? "This email already has an account" };
  if (r.code === "VALIDATION") return { label: "Invalid", reason: r.message ?? "Not a valid email address" };
  if (r.code === "FORBIDDEN") return { label: "Not allowed", reason: r.message ?? "You are not allowed to invite this person" };
  return { label: "Not invited", reason: r.message ?? r.code ?? "Not invited" };
}

function summarize(rows: { label: string }[]): string {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.label, (counts.get(r.label) ?? 0) + 1);
  const parts = [...counts].map(([label, n]) => `${n} ${label.toLowerCase()}`);
  return `${rows.length} ${rows.length === 1 ? "address" : "addresses"}: ${parts.join(", ")}.`;
}

type Report = { mode: InviteMode; rows: (BulkItemResult & { label: string; reason: string })[]; summary: string };

/** "Invite users": paste many emails, pick a grantable role and a mode, get one outcome per email. */
export function InviteUsersDialog({ viewerRole, defaultOpen = false }: { viewerRole: Role; defaultOpen?: boolean }) {
  const roles = GRANTABLE_ROLES[viewerRole];
  const [open, setOpen] = useState(defaultOpen);
  const [report, setReport] = useState<Report | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const resultsHeading = useRef<HTMLHeadingElement>(null);
  const router = useRouter();
  const defaults: Input = { emails: "", role: roles.includes("member") ? "member" : roles[0], name: "", inviteMode: "email_link" };
  const { register, handleSubmit, setError, formState, control, reset } = useForm<Input, unknown, Output>({
    resolver: zodResolver(inviteUsersSchema),
    defaultValues: defaults,
  });
  const text = useWatch({ control, name: "emails" });
  const count = typeof text === "string" ? splitList(text).length : 0;
  const errors = formState.errors;

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    const result = await inviteUsersAction({ ...values, name: values.name || undefined });
    let rows: Report["rows"];
    if (result.ok) {
      rows = result.data.map((r) => ({ ...r, ...describeOutcome(r, values.inviteMode) }));
      router.refresh();
    } else if (result.error.code === "FORBIDDEN") {
      // The whole request was refused (nothing was created): each address is not allowed.
      rows = values.emails.map((input) => {
        const r: BulkItemResult = { input, outcome: "failed", code: "FORBIDDEN", message: result.error.message };
        return { ...r, ...describeOutcome(r, values.inviteMode) };
      });
    } else {
      const placed = placeFieldErrors(setError, result.error.fields, ["emails", "role", "name", "inviteMode"]);
      if (!placed) setFormError(result.error.message);
      return;
    }
    setReport({ mode: values.inviteMode, rows, summary: summarize(rows) });
  });

  // The form (and the focused submit button) gives way to the results: focus goes to their heading.
  useEffect(() => {
    if (report) resultsHeading.current?.focus();
  }, [report]);

  const startOver = () => {
    setReport(null);
    setFormError(null);
    reset(defaults);
  };

  return (
    <Dialog.Root
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) startOver();
      }}
    >
      <Dialog.Trigger className={primary}>Invite users</Dialog.Trigger>
      <DialogPanel title="Invite users" description="Paste one or many email addresses; each gets its own outcome." width="lg">
        {/* Mounted from the start so that screen readers announce the summary when it arrives. */}
        <p role="status" aria-live="polite" className={report ? "mt-4 text-sm font-medium" : "sr-only"}>
          {report?.summary ?? ""}
        </p>

        {report ? (
          <div className="mt-4">
            <h3 ref={resultsHeading} tabIndex={-1} className="text-base font-semibold outline-none">Results</h3>
            <div className="mt-2 overflow-x-auto rounded-md border border-neutral-200 dark:border-neutral-800">
              <table aria-label="Results" className="w-full text-left text-sm">
                <thead className="bg-neutral-50 dark:bg-neutral-950">
                  <tr>
                    <th scope="col" className="px-3 py-2 font-medium">Email</th>
                    <th scope="col" className="px-3 py-2 font-medium">Outcome</th>
                    <th scope="col" className="px-3 py-2 font-medium">Reason</th>
                    {report.mode !== "email_link" ? (
                      <th scope="col" className="px-3 py-2 font-medium">{report.mode === "none" ? "Invitation link" : "Temporary password"}</th>
                    ) : null}
                  </tr>
                </thead>
                <tbody>
                  {report.rows.map((r, i) => (
                    <tr key={i} className="border-t border-neutral-200 align-top dark:border-neutral-800">
                      <td className="px-3 py-2 break-all">{r.email ?? r.input}</td>
                      <td className="px-3 py-2 whitespace-nowrap font-medium">{r.label}</td>
                      <td className="px-3 py-2">{r.reason}</td>
                      {report.mode !== "email_link" ? (
                        <td className="px-3 py-2">
                          {r.temporaryPassword ? (
                            <span className="flex items-center gap-2">
                              <code className="font-mono">{r.temporaryPassword}</code>
                              <CopyButton text={r.temporaryPassword} label={`Copy password for ${r.email}`} className={button} />
                            </span>
                          ) : r.invitationLink ? (
                            <span className="flex items-center gap-2">
                              <code className="max-w-56 truncate font-mono text-xs" title={r.invitationLink}>{r.invitationLink}</code>
                              <CopyButton text={r.invitationLink} label={`Copy link for ${r.email}`} className={button} />
                            </span>
                          ) : (
                            <span className="text-neutral-600 dark:text-neutral-400">—</span>
                          )}
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {report.mode === "temporary_password" && report.rows.some((r) => r.temporaryPassword) ? (
              <p className="mt-2 text-sm text-neutral-700 dark:text-neutral-300">These passwords are shown only now; copy them before you close.</p>
            ) : null}
            <div className="mt-6 flex justify-end gap-2">
              <button type="button" className={button} onClick={startOver}>Invite more</button>
              <Dialog.Close className={primary}>Done</Dialog.Close>
            </div>
          </div>
        ) : (
          <form onSubmit={onSubmit} noValidate className="mt-4 space-y-4">
            <div>
              <label htmlFor="invite-emails" className="block text-sm font-medium">Email addresses</label>
              <textarea
                id="invite-emails"
                rows={5}
                aria-invalid={errors.emails ? true : undefined}
                aria-describedby={`invite-emails-count${errors.emails ? " invite-emails-error" : ""}`}
                placeholder={"ana@example.com, ben@example.com\ncleo@example.com"}
                className="mt-1 block w-full rounded-md border border-neutral-300 bg-white px-3 py-2 font-mono text-sm aria-invalid:border-red-600 dark:border-neutral-700 dark:bg-neutral-950"
                {...register("emails")}
              />
              <p id="invite-emails-count" className="mt-1 text-xs text-neutral-700 dark:text-neutral-300">
                Separate with commas, semicolons, spaces or new lines. {count === 1 ? "1 address" : `${count} addresses`}
              </p>
              {errors.emails ? <p id="invite-emails-error" className="mt-1 text-sm text-red-700 dark:text-red-300">{errors.emails.message}</p> : null}
            </div>
            <div className="grid gap-4 sm:grid-cols-2">
              <div>
                <label htmlFor="invite-role" className="block text-sm font-medium">Role</label>
                <select
                  id="invite-role"
                  aria-describedby="invite-role-hint"
                  className="mt-1 block w-full rounded-md border border-neutral-300 bg-white px-3 py-2 text-sm dark:border-neutral-700 dark:bg-neutral-950"
                  {...register("role")}
                >
                  {roles.map((r) => <option key={r} value={r}>{ROLE_LABELS[r]}</option>)}
                </select>
                <p id="invite-role-hint" className="mt-1 text-xs text-neutral-700 dark:text-neutral-300">
                  {viewerRole === "admin" ? "Admins can grant any role." : `${ROLE_LABELS[viewerRole]}s can grant ${roles.map((r) => ROLE_LABELS[r].toLowerCase()).join(" or ")}.`}
                </p>
                {errors.role ? <p className="mt-1 text-sm text-red-700 dark:text-red-300">{errors.role.message}</p> : null}
              </div>
              <Field id="invite-name" label="Name (optional)" hint="Given to everyone in this list; they can change it when they join."
                error={errors.name?.message} {...register("name")} />
            </div>
            <fieldset>
              <legend className="text-sm font-medium">How they get in</legend>
              <div className="mt-2 space-y-2">
                {MODES.map((m) => (
                  <label key={m.value} className="flex items-start gap-2 text-sm">
                    <input type="radio" value={m.value} className="mt-1" aria-describedby={`invite-mode-${m.value}-hint`} {...register("inviteMode")} />
                    <span>
                      {m.label}
                      <span id={`invite-mode-${m.value}-hint`} className="block text-xs text-neutral-700 dark:text-neutral-300">{m.hint}</span>
                    </span>
                  </label>
                ))}
              </div>
            </fieldset>
            <FormError message={formError} />
            <div className="flex justify-end gap-2">
              <Dialog.Close className={button}>Cancel</Dialog.Close>
              <button type="submit" className={primary} disabled={formState.isSubmitting}>
                {formState.isSubmitting ? "Inviting…" : count > 1 ? `Invite ${count} people` : "Invite"}
              </button>
            </div>
          </form>
        )}
      </DialogPanel>
    </Dialog.Root>
  );
}
