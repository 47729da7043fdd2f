import Link from "next/link";
import { can, type Permission } from "@/lib/users/policy";
import type { Role } from "@/lib/validation/enums";

const LINKS: { href: string; label: string; permission: Permission }[] = [
  { href: "/", label: "Overview", permission: "users:read" },
  { href: "/users", label: "Users", permission: "users:read" },
  { href: "/audit", label: "Audit log", permission: "audit:read" },
  { href: "/settings/api-keys", label: "API keys", permission: "api_keys:own" },
];

/** The main navigation: only what the role may open (the pages check again themselves). */
export function MainNav({ role }: { role: Role }) {
  return (
    <nav aria-label="Main">
      <ul className="flex gap-1">
        {LINKS.filter((l) => can({ role }, l.permission)).map((l) => (
          <li key={l.href}>
            <Link href={l.href} className="rounded-md px-3 py-1.5 text-sm hover:bg-neutral-100 dark:hover:bg-neutral-800">
              {l.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
