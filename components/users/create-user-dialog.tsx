"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useQueryStates } from "nuqs";
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import type { z } from "zod";
import { Field, FormError } from "@/components/forms/field";
import { PasswordRules } from "@/components/forms/password-rules";
import { DialogPanel } from "@/components/ui/dialog-panel";
import { useToast } from "@/components/ui/toaster";
import { GRANTABLE_ROLES } from "@/lib/users/policy";
import { PROFILE_FIELDS, type ProfileField, type Role } from "@/lib/validation/enums";
import { createUserSchema } from "@/lib/validation/users";
import { usersSearchParams } from "@/lib/validation/users-search-params";
import { createUserAction } from "@/app/(console)/users/actions";
import { ROLE_LABELS } from "./format";
import { button, primary } from "./styles";
import { placeFieldErrors } from "@/components/forms/server-errors";

type Input = z.input<typeof createUserSchema>;
type Output = z.output<typeof createUserSchema>;

const PROFILE_LABELS: Record<ProfileField, string> = {
  login: "Login", firstName: "First name", lastName: "Last name", company: "Company", phone: "Phone",
  address: "Address", postalCode: "Postal code", city: "City", state: "State", country: "Country",
};
const MORE_FIELDS = PROFILE_FIELDS.filter((f) => f !== "login");
const FIELD_NAMES = ["email", "name", "role", "password", "passwordConfirmation", "isDeveloper", "mustChangePassword", ...PROFILE_FIELDS] as const;

/** "Create user": an account that is active at once, with a password set here. */
export function CreateUserDialog({ viewerRole, defaultOpen = false }: { viewerRole: Role; defaultOpen?: boolean }) {
  const roles = GRANTABLE_ROLES[viewerRole];
  const [open, setOpen] = useState(defaultOpen);
  const [formError, setFormError] = useState<string | null>(null);
  const [, setParams] = useQueryStates(usersSearchParams, { shallow: false, history: "push" });
  const router = useRouter();
  const toast = useToast();
  const defaults: Input = {
    email: "", name: "", role: roles.includes("member") ? "member" : roles[0],
    password: "", passwordConfirmation: "", isDeveloper: false, mustChangePassword: false,
    ...Object.fromEntries(PROFILE_FIELDS.map((f) => [f, ""])),
  };
  // The same schema the core parses with: the server's answer can only add what it alone knows
  // (a taken email, a common password).
  const { register, handleSubmit, setError, formState, control, reset } = useForm<Input, unknown, Output>({
    resolver: zodResolver(createUserSchema),
    defaultValues: defaults,
    mode: "onTouched",
  });
  const errors = formState.errors;
  const password = useWatch({ control, name: "password" }) ?? "";
  const email = useWatch({ control, name: "email" }) ?? "";

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    const result = await createUserAction(values);
    if (!result.ok) {
      const placed = placeFieldErrors(setError, result.error.fields, FIELD_NAMES, { focus: true });
      if (!placed) setFormError(result.error.message);
      return;
    }
    const user = result.data.user;
    toast({ tone: "success", message: `Created ${user.email}` });
    setOpen(false);
    reset(defaults);
    router.refresh();
    // Their drawer opens, to check what was created or go on (an API key, a temporary password).
    void setParams({ user: user.id });
  });

  return (
    <Dialog.Root
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) {
          reset(defaults);
          setFormError(null);
        }
      }}
    >
      <Dialog.Trigger className={button}>Create user</Dialog.Trigger>
      <DialogPanel
        title="Create user"
        description="The account is active at once with the password you set here. To let people choose their own, invite them."
      >
        <form onSubmit={onSubmit} noValidate className="mt-4 space-y-4">
          <div className="grid gap-4 sm:grid-cols-2">
            <Field id="create-name" label="Name" autoComplete="off" error={errors.name?.message} {...register("name")} />
            <Field id="create-email" label="Email" type="email" autoComplete="off" required error={errors.email?.message} {...register("email")} />
            <Field id="create-login" label="Login (optional)" autoComplete="off" error={errors.login?.message} {...register("login")} />
            <div>
              <label htmlFor="create-role" className="block text-sm font-medium">Role</label>
              <select
                id="create-role"
                aria-invalid={errors.role ? true : undefined}
                aria-describedby={errors.role ? "create-role-error" : undefined}
                className="mt-1 block w-full rounded-md border border-neutral-300 bg-white px-3 py-2 text-sm dark:border-neutral-700 dark:bg-neutral-950"
                {...register("role")}
              >
                {roles.map((r) => <option key={r} value={r}>{ROLE_LABELS[r]}</option>)}
              </select>
              {errors.role ? <p id="create-role-error" className="mt-1 text-sm text-red-700 dark:text-red-300">{errors.role.message}</p> : null}
            </div>
          </div>
          <div className="grid gap-4 sm:grid-cols-2">
            <div>
              <Field id="create-password" label="Password" type="password" autoComplete="new-password" required
                aria-describedby={`create-password-rules${errors.password ? " create-password-error" : ""}`}
                error={errors.password?.message} {...register("password")} />
              <PasswordRules id="create-password-rules" password={password} email={email} />
            </div>
            <Field id="create-password-confirmation" label="Confirm password" type="password" autoComplete="new-password" required
              error={errors.passwordConfirmation?.message} {...register("passwordConfirmation")} />
          </div>
          <div className="space-y-2">
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" {...register("mustChangePassword")} />
              Must change this password at first sign-in
            </label>
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" {...register("isDeveloper")} />
              Developer
            </label>
          </div>
          <details className="rounded-md border border-neutral-200 px-3 py-2 dark:border-neutral-800">
            <summary className="cursor-pointer text-sm font-medium">More profile fields (optional)</summary>
            <div className="mt-3 grid gap-3 pb-2 sm:grid-cols-2">
              {MORE_FIELDS.map((f) => (
                <Field key={f} id={`create-${f}`} label={PROFILE_LABELS[f]} autoComplete="off" error={errors[f]?.message} {...register(f)} />
              ))}
            </div>
          </details>
          <FormError message={formError} />
          <div className="flex justify-end gap-2">
            <Dialog.Close className={button}>Cancel</Dialog.Close>
            <button type="submit" className={primary} disabled={formState.isSubmitting}>
              {formState.isSubmitting ? "Creating…" : "Create user"}
            </button>
          </div>
        </form>
      </DialogPanel>
    </Dialog.Root>
  );
}
