// No door updates or deletes the audit log: no source file outside the tests writes anything but
// INSERT to audit_events, and the audit routes answer GET only. (The database trigger that
// refuses UPDATE, DELETE and TRUNCATE outright is proven on both engines in audit.int.test.ts.)
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name !== "node_modules" && name !== "migrations") out.push(...sources(full));
    } else if (/\.(ts|tsx|mjs)$/.test(name) && !/\.test\.tsx?$/.test(name)) {
      out.push(full);
    }
  }
  return out;
}

const FILES = ["app", "lib", "components", "scripts"].flatMap((d) => sources(path.join(ROOT, d)));

const WRITES = [
  /\.update\(\s*auditEvents\b/,
  /\.delete\(\s*auditEvents\b/,
  /\bupdate\s+"?audit_events\b/i,
  /\bdelete\s+from\s+"?audit_events\b/i,
  /\btruncate\b[^;\n]*\baudit_events\b/i,
  /\bdrop\s+trigger\b[^;\n]*audit_events/i,
];

describe("the audit log is append-only in the code", () => {
  it("finds the sources it checks", () => {
    expect(FILES.some((f) => f.endsWith(path.join("lib", "users", "context.ts")))).toBe(true);
    expect(FILES.length).toBeGreaterThan(50);
  });

  it("no source updates, deletes, truncates or unguards audit_events", () => {
    const offenders = FILES.flatMap((f) => {
      const text = readFileSync(f, "utf8");
      return WRITES.filter((re) => re.test(text)).map((re) => `${path.relative(ROOT, f)}: ${re}`);
    });
    expect(offenders).toEqual([]);
  });

  it("audit routes answer GET only", () => {
    const routes = FILES.filter((f) => /route\.ts$/.test(f) && /audit/.test(path.relative(ROOT, f)));
    expect(routes.length).toBeGreaterThan(0);
    for (const f of routes) {
      const text = readFileSync(f, "utf8");
      expect(text, f).not.toMatch(/export\s+(async\s+)?function\s+(POST|PUT|PATCH|DELETE)\b/);
      expect(text, f).not.toMatch(/export\s+const\s+(POST|PUT|PATCH|DELETE)\b/);
    }
  });
});
