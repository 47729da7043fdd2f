"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useCallback, useState } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { Field } from "@/components/forms/field";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { useToast } from "@/components/ui/toaster";
import { createApiKeyAction, revokeApiKeyAction } from "@/app/(console)/settings/api-keys/actions";
import type { ApiKeyDTO } from "@/lib/users/types";
import { API_KEY_EXPIRY_DAYS, createApiKeySchema } from "@/lib/validation/api-keys";
import type { Scope } from "@/lib/validation/enums";
import { placeFieldErrors } from "@/components/forms/server-errors";

const SCOPE_HELP: Record<Scope, string> = {
  "users:read": "list, view and export users",
  "users:write": "invite, create, edit, deactivate, reset passwords",
  "users:delete": "delete users",
  "audit:read": "read the audit log",
};

const STATE_LABELS: Record<ApiKeyDTO["state"], string> = { active: "Active", expired: "Expired", revoked: "Revoked" };

const button =
  "rounded-md border border-neutral-300 px-3 py-1.5 text-sm hover:bg-neutral-100 disabled:opacity-50 dark:border-neutral-700 dark:hover:bg-neutral-800";
const primary =
  "rounded-md bg-neutral-900 px-3 py-1.5 text-sm text-white hover:bg-neutral-700 disabled:opacity-50 dark:bg-white dark:text-neutral-900";

type Values = z.input<typeof createApiKeySchema>;

const when = (iso: string | null, empty = "Never") =>
  iso ? new Date(iso).toLocaleString("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }) + " UTC" : empty;

/** Create a key (shown once, with a copy button), list one's keys, revoke with confirmation. */
export function ApiKeysManager({ keys, scopes }: { keys: ApiKeyDTO[]; scopes: Scope[] }) {
  const router = useRouter();
  const toast = useToast();
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const focusOnMount = useCallback((el: HTMLInputElement | null) => el?.focus(), []);
  const { register, handleSubmit, setError, reset, formState } = useForm<Values>({
    resolver: zodResolver(createApiKeySchema),
    defaultValues: { name: "", scopes: [], expiresInDays: 90 },
  });

  const onSubmit = handleSubmit(async (values) => {
    const result = await createApiKeyAction(values);
    if (!result.ok) {
      const placed = placeFieldErrors(setError, result.error.fields, ["name", "scopes", "expiresInDays"]);
      if (!placed) toast({ message: result.error.message, tone: "error" });
      return;
    }
    setCopied(false);
    setCreated({ name: result.data.key.name, token: result.data.token });
    reset();
    router.refresh();
  });

  async function copy() {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.token);
      setCopied(true);
    } catch {
      (document.getElementById("new-key") as HTMLInputElement | null)?.select();
      toast({ message: "Could not copy; the key is selected, copy it with your keyboard", tone: "error" });
    }
  }

  async function revoke(k: ApiKeyDTO) {
    const result = await revokeApiKeyAction(k.id);
    if (result.ok) toast({ message: `Revoked ${k.name} (${k.prefix})` });
    else toast({ message: result.error.message, tone: "error" });
    router.refresh();
  }

  const scopesError = formState.errors.scopes?.message ?? formState.errors.scopes?.root?.message;
  return (
    <div className="mt-8 space-y-10">
      <section aria-labelledby="create-key-heading" className="max-w-xl rounded-lg border border-neutral-200 p-5 dark:border-neutral-800">
        <h2 id="create-key-heading" className="text-lg font-medium">Create a key</h2>
        <form onSubmit={onSubmit} noValidate className="mt-4 space-y-4">
          <Field id="key-name" label="Key name" hint="What it is for, e.g. “HR sync”" error={formState.errors.name?.message} {...register("name")} />
          <fieldset aria-describedby={scopesError ? "key-scopes-error" : undefined}>
            <legend className="text-sm font-medium">Scopes</legend>
            <div className="mt-2 space-y-2">
              {scopes.map((s) => (
                <label key={s} className="flex items-start gap-2 text-sm">
                  <input type="checkbox" value={s} className="mt-0.5" {...register("scopes")} />
                  <span>
                    <code>{s}</code> <span className="text-neutral-600 dark:text-neutral-400">— {SCOPE_HELP[s]}</span>
                  </span>
                </label>
              ))}
            </div>
            {scopesError ? <p id="key-scopes-error" className="mt-1 text-sm text-red-700 dark:text-red-300">{scopesError}</p> : null}
          </fieldset>
          <div>
            <label htmlFor="key-expiry" className="block text-sm font-medium">Expires</label>
            <select
              id="key-expiry"
              className="mt-1 block rounded-md border border-neutral-300 bg-white px-3 py-2 text-sm dark:border-neutral-700 dark:bg-neutral-900"
              {...register("expiresInDays", { setValueAs: (v: unknown) => (v === "" || v === null ? null : Number(v)) })}
            >
              {API_KEY_EXPIRY_DAYS.map((d) => (
                <option key={d} value={d}>In {d} days</option>
              ))}
              <option value="">Never</option>
            </select>
            {formState.errors.expiresInDays ? (
              <p className="mt-1 text-sm text-red-700 dark:text-red-300">{formState.errors.expiresInDays.message}</p>
            ) : null}
          </div>
          <button type="submit" className={primary} disabled={formState.isSubmitting}>
            {formState.isSubmitting ? "Creating…" : "Create key"}
          </button>
        </form>
        {created ? (
          <div role="region" aria-label="New API key" className="mt-6 rounded-md border border-emerald-300 bg-emerald-50 p-4 text-sm dark:border-emerald-800 dark:bg-emerald-950">
            <p className="font-medium">Your new key “{created.name}”. Copy it now: it will not be shown again.</p>
            <label htmlFor="new-key" className="sr-only">New API key</label>
            <input
              id="new-key"
              // Focus moves to the new key when it appears, so it is announced and ready to copy.
              ref={focusOnMount}
              readOnly
              value={created.token}
              onFocus={(e) => e.currentTarget.select()}
              className="mt-2 block w-full rounded-md border border-neutral-300 bg-white px-3 py-2 font-mono text-xs dark:border-neutral-700 dark:bg-neutral-900"
            />
            <div className="mt-3 flex items-center gap-3">
              <button type="button" className={button} onClick={copy}>Copy key</button>
              <button type="button" className={button} onClick={() => setCreated(null)}>Done</button>
              <span role="status">{copied ? "Copied" : ""}</span>
            </div>
          </div>
        ) : null}
      </section>

      <section aria-labelledby="your-keys-heading">
        <h2 id="your-keys-heading" className="text-lg font-medium">Your keys</h2>
        {keys.length === 0 ? (
          <p className="mt-2 text-sm text-neutral-600 dark:text-neutral-400">You have no API keys yet.</p>
        ) : (
          <div className="mt-3 overflow-x-auto">
            <table aria-labelledby="your-keys-heading" className="w-full text-left text-sm">
              <thead className="border-b border-neutral-200 dark:border-neutral-800">
                <tr>
                  <th scope="col" className="py-2 pr-4 font-medium">Name</th>
                  <th scope="col" className="py-2 pr-4 font-medium">Key</th>
                  <th scope="col" className="py-2 pr-4 font-medium">Scopes</th>
                  <th scope="col" className="py-2 pr-4 font-medium">Created</th>
                  <th scope="col" className="py-2 pr-4 font-medium">Last used</th>
                  <th scope="col" className="py-2 pr-4 font-medium">Expires</th>
                  <th scope="col" className="py-2 pr-4 font-medium">State</th>
                  <th scope="col" className="py-2 font-medium"><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                {keys.map((k) => (
                  <tr key={k.id} className="border-b border-neutral-100 dark:border-neutral-900">
                    <td className="py-2 pr-4">{k.name}</td>
                    <td className="py-2 pr-4 font-mono text-xs">{k.prefix}_…</td>
                    <td className="py-2 pr-4">{k.scopes.join(", ")}</td>
                    <td className="py-2 pr-4">{when(k.createdAt)}</td>
                    <td className="py-2 pr-4">{when(k.lastUsedAt)}</td>
                    <td className="py-2 pr-4">{when(k.expiresAt)}</td>
                    <td className="py-2 pr-4">{STATE_LABELS[k.state]}</td>
                    <td className="py-2">
                      {k.state === "active" ? (
                        <ConfirmButton
                          label={`Revoke ${k.name}`}
                          title={`Revoke ${k.name}?`}
                          description={<p>Anything using <code>{k.prefix}_…</code> stops working at once. This cannot be undone.</p>}
                          confirmLabel="Revoke key"
                          destructive
                          onConfirm={() => revoke(k)}
                        />
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
