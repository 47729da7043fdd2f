"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { Field, FormError } from "@/components/forms/field";
import { changeOwnPasswordSchema, PASSWORD_MAX, PASSWORD_MIN } from "@/lib/validation/users";
import { changePassword } from "./actions";
import { placeFieldErrors } from "@/components/forms/server-errors";

type Values = z.input<typeof changeOwnPasswordSchema>;

export function ChangePasswordForm({ email }: { email: string }) {
  const router = useRouter();
  const [formError, setFormError] = useState<string | null>(null);
  const { register, handleSubmit, setError, formState } = useForm<Values>({
    resolver: zodResolver(changeOwnPasswordSchema),
    defaultValues: { currentPassword: "", password: "", passwordConfirmation: "" },
  });
  const errors = formState.errors;

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    const result = await changePassword(values);
    if (!result.ok) {
      const placed = placeFieldErrors(setError, result.error.fields, ["currentPassword", "password", "passwordConfirmation"]);
      if (!placed) setFormError(result.error.message);
      return;
    }
    // Changing the password ends every session, this one too: sign straight back in.
    const again = await signIn("credentials", { email, password: values.password, redirect: false });
    router.replace(again?.ok && !again.error ? "/" : "/sign-in");
    router.refresh();
  });

  return (
    <form onSubmit={onSubmit} className="mt-8 space-y-5" noValidate>
      <Field id="currentPassword" label="Current password" type="password" autoComplete="current-password"
        error={errors.currentPassword?.message} {...register("currentPassword")} />
      <Field id="password" label="New password" type="password" autoComplete="new-password"
        hint={`${PASSWORD_MIN} to ${PASSWORD_MAX} characters; any characters, spaces and emoji too. Common passwords are refused.`}
        error={errors.password?.message} {...register("password")} />
      <Field id="passwordConfirmation" label="Confirm new password" type="password" autoComplete="new-password"
        error={errors.passwordConfirmation?.message} {...register("passwordConfirmation")} />
      <FormError message={formError} />
      <button type="submit" disabled={formState.isSubmitting}
        className="w-full rounded-md bg-neutral-900 px-3 py-2 text-sm font-medium text-white hover:bg-neutral-700 disabled:opacity-60 dark:bg-white dark:text-neutral-900">
        {formState.isSubmitting ? "Changing…" : "Change password"}
      </button>
    </form>
  );
}
