"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import type { z } from "zod";
import { Field, FormError } from "@/components/forms/field";
import { PasswordRules } from "@/components/forms/password-rules";
import type { ActionResult } from "@/lib/auth/action";
import { redeemTokenSchema } from "@/lib/validation/users";
import { placeFieldErrors } from "@/components/forms/server-errors";

type Values = z.input<typeof redeemTokenSchema>;

/**
 * The form behind an invitation or password-reset link: (name and) a new password with its
 * confirmation. Its submit redeems the link; then the person is signed in with that password.
 */
export function TokenPasswordForm({
  token,
  email,
  name,
  submitLabel,
  action,
}: {
  token: string;
  email: string;
  /** The invitee's name to confirm; omitted for a password reset. */
  name?: string;
  submitLabel: string;
  action: (input: Values) => Promise<ActionResult<{ email: string }>>;
}) {
  const router = useRouter();
  const [formError, setFormError] = useState<string | null>(null);
  const withName = name !== undefined;
  const { register, handleSubmit, setError, formState, control } = useForm<Values>({
    resolver: zodResolver(redeemTokenSchema),
    defaultValues: { token, ...(withName ? { name } : {}), password: "", passwordConfirmation: "" },
  });
  const errors = formState.errors;
  const password = useWatch({ control, name: "password" }) ?? "";

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    const result = await action(values);
    if (!result.ok) {
      const placed = placeFieldErrors(setError, result.error.fields, ["name", "password", "passwordConfirmation"]);
      if (!placed) setFormError(result.error.message);
      return;
    }
    const signedIn = await signIn("credentials", { email: result.data.email, password: values.password, redirect: false });
    router.replace(signedIn?.ok && !signedIn.error ? "/" : "/sign-in");
    router.refresh();
  });

  return (
    <form onSubmit={onSubmit} className="mt-8 space-y-5" noValidate>
      <input type="hidden" {...register("token")} />
      {/* Lets password managers save the new password under the right account. */}
      <input type="email" name="username" value={email} autoComplete="username" readOnly hidden />
      {withName ? (
        <Field id="name" label="Your name" autoComplete="name" error={errors.name?.message} {...register("name")} />
      ) : null}
      <div>
        <Field id="password" label="New password" type="password" autoComplete="new-password"
          aria-describedby={`password-rules${errors.password ? " password-error" : ""}`}
          error={errors.password?.message} {...register("password")} />
        <PasswordRules id="password-rules" password={password} email={email} />
      </div>
      <Field id="passwordConfirmation" label="Confirm new password" type="password" autoComplete="new-password"
        error={errors.passwordConfirmation?.message} {...register("passwordConfirmation")} />
      <FormError message={formError} />
      <button type="submit" disabled={formState.isSubmitting}
        className="w-full rounded-md bg-neutral-900 px-3 py-2 text-sm font-medium text-white hover:bg-neutral-700 disabled:opacity-60 dark:bg-white dark:text-neutral-900">
        {formState.isSubmitting ? "Saving…" : submitLabel}
      </button>
    </form>
  );
}
