#!/usr/bin/env node
// `npm test`: every test, in order of cost — typecheck, lint, unit and integration (PGlite, and
// Postgres when TEST_DATABASE_URL is set), production build, Playwright end-to-end.
import { spawnSync } from "node:child_process";

process.env.NEXT_TELEMETRY_DISABLED = "1";
const steps = [
  ["typecheck", "npx", ["tsc", "--noEmit"]],
  ["lint", "npx", ["eslint", "."]],
  ["unit + integration", "npx", ["vitest", "run"]],
  ["build", "npx", ["next", "build"]],
  ["e2e", "npx", ["playwright", "test"]],
];
if (!process.env.TEST_DATABASE_URL) {
  console.log("[test] TEST_DATABASE_URL is not set: the integration suite runs on PGlite only.");
}
for (const [name, cmd, args] of steps) {
  const started = Date.now();
  console.log(`\n[test] ── ${name} ──`);
  const r = spawnSync(cmd, args, { stdio: "inherit" });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) {
    console.error(`[test] ${name} failed after ${secs}s`);
    process.exit(r.status ?? 1);
  }
  console.log(`[test] ${name} passed in ${secs}s`);
}
