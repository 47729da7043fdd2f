import type { FieldPath, FieldValues, UseFormSetError } from "react-hook-form";

/**
 * Puts a server's field errors (the error model's `fields`: name → messages) on the form's own
 * fields, the first message of each; a nested key (`scopes.0`) counts for its field. Answers
 * whether any was placed: if none, the caller shows the error's message for the whole form.
 * With `focus`, the first field placed takes focus.
 */
export function placeFieldErrors<T extends FieldValues>(
  setError: UseFormSetError<T>,
  fields: Record<string, string[]> | undefined,
  names: readonly FieldPath<T>[],
  opts: { focus?: boolean } = {},
): boolean {
  let placed = false;
  for (const name of names) {
    const message = fields?.[name]?.[0] ?? Object.entries(fields ?? {}).find(([k]) => k.startsWith(`${name}.`))?.[1][0];
    if (!message) continue;
    setError(name, { message }, { shouldFocus: !!opts.focus && !placed });
    placed = true;
  }
  return placed;
}
