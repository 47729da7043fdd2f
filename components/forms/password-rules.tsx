import { PASSWORD_RULES, passwordIsEmail } from "@/lib/validation/users";

/**
 * The password policy as a checklist that follows what is typed: the shared schema's rules, the
 * email rule, and the common-password rule that only the server can check (said so).
 */
export function PasswordRules({ id, password, email }: { id: string; password: string; email?: string }) {
  const rules = [
    ...PASSWORD_RULES.map((r) => ({ id: r.id, label: r.label, met: r.test(password) })),
    { id: "email", label: "Not your email address", met: !passwordIsEmail(password, email ?? "") },
  ];
  return (
    <div id={id} className="mt-2 text-xs">
      <ul aria-label="Password rules" className="space-y-0.5">
        {rules.map((r) => {
          const met = password !== "" && r.met;
          return (
            <li key={r.id} data-rule={r.id} data-met={met} className={met ? "text-green-800 dark:text-green-300" : "text-neutral-700 dark:text-neutral-300"}>
              <span aria-hidden="true" className="inline-block w-4">{met ? "✓" : "○"}</span>
              {r.label}
              <span className="sr-only">{met ? ": met" : ": not met yet"}</span>
            </li>
          );
        })}
      </ul>
      <p className="mt-1 text-neutral-600 dark:text-neutral-400">Any characters, spaces and emoji too. Common passwords are refused when you submit.</p>
    </div>
  );
}
