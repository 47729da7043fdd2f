// The users page's first load stays small (bench:users-page figure 4, goal ≤ 45 KB gzip): the
// table and what it imports statically must not pull in the libraries that only dialogs, forms
// and the drawer need (they load on first use, through dynamic import()). A `calendarDateSchema`
// import in the URL parsers once brought all of zod back (+35 KB); this walks the static import
// graph from the page's client entry points and names the path to any such library.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const HEAVY = ["zod", "react-hook-form", "@hookform/resolvers", "recharts", "@radix-ui/react-dialog", "@radix-ui/react-dropdown-menu", "@radix-ui/react-popover"];
// The client components /users renders at first load (its page and the console layout).
const ENTRIES = [
  "components/users/users-table.tsx",
  "components/users/users-stats.tsx",
  "components/users/lazy-user-drawer.tsx",
  "components/users/users-dialogs.tsx",
  "components/ui/toaster.tsx",
  "components/shell/nav.tsx",
  "components/shell/theme-toggle.tsx",
  "components/shell/sign-out-button.tsx",
];

function resolve(from: string, spec: string): string | null {
  const base = spec.startsWith("@/") ? path.join(ROOT, spec.slice(2)) : spec.startsWith(".") ? path.resolve(path.dirname(from), spec) : null;
  if (!base) return null;
  for (const f of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts"), path.join(base, "index.tsx")]) {
    if (existsSync(f) && !f.endsWith("/")) try { readFileSync(f); return f; } catch { /* a directory */ }
  }
  throw new Error(`cannot resolve ${spec} from ${path.relative(ROOT, from)}`);
}

/** Static value imports (not `import type`, not dynamic import()) of a source file. */
function staticImports(source: string): string[] {
  const specs: string[] = [];
  for (const m of source.matchAll(/^\s*(import|export)\s+(?!type\s)([^;]*?)\s+from\s+["']([^"']+)["']/gm)) specs.push(m[3]!);
  for (const m of source.matchAll(/^\s*import\s+["']([^"']+)["']/gm)) specs.push(m[1]!);
  return specs;
}

/** Library → the chain of files that imports it first. */
function heavyImports(entry: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const seen = new Set<string>();
  const visit = (file: string, chain: string[]) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, "utf8");
    // A server action module reaches the browser as a reference, not as its code.
    if (/^\s*["']use server["']/.test(source)) return;
    for (const spec of staticImports(source)) {
      const lib = HEAVY.find((h) => spec === h || spec.startsWith(`${h}/`));
      if (lib && !found.has(lib)) found.set(lib, [...chain, path.relative(ROOT, file)]);
      const next = resolve(file, spec);
      if (next) visit(next, [...chain, path.relative(ROOT, file)]);
    }
  };
  visit(path.join(ROOT, entry), []);
  return found;
}

describe("the users page's first-load imports", () => {
  for (const entry of ENTRIES) {
    it(`${entry} imports none of ${HEAVY.join(", ")} statically`, () => {
      const found = heavyImports(entry);
      expect(Object.fromEntries([...found].map(([lib, chain]) => [lib, chain.join(" → ")]))).toEqual({});
    });
  }

  it("the walk finds such an import where there is one (the invite dialog imports zod and react-hook-form)", () => {
    const found = heavyImports("components/users/invite-users-dialog.tsx");
    expect([...found.keys()]).toEqual(expect.arrayContaining(["zod", "react-hook-form"]));
  });
});
