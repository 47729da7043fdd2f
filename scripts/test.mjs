#!/usr/bin/env node
// `npm test`: every test, in order of cost — typecheck, lint, unit and integration (PGlite, and
// Postgres when TEST_DATABASE_URL is set), production build, Playwright end-to-end, then the
// console and the user API as two processes (on Postgres, when TEST_DATABASE_URL is set).
import { spawnSync } from "node:child_process";

process.env.NEXT_TELEMETRY_DISABLED = "1";
const steps = [
  ["typecheck", "npx", ["tsc", "--noEmit"]],
  ["lint", "npx", ["eslint", "."]],
  ["unit + integration", "npx", ["vitest", "run"]],
  ["build", "npx", ["next", "build"]],
  ["e2e", "npx", ["playwright", "test"]],
];
// The console and the user API as two processes on one Postgres database (same build).
if (process.env.E2E_SPLIT_DATABASE_URL || process.env.TEST_DATABASE_URL) {
  steps.push(["e2e (console + API as two processes)", "npx", ["playwright", "test", "-c", "playwright.split.config.ts"]]);
} else {
  console.log("[test] no Postgres (TEST_DATABASE_URL): the two-process e2e (playwright.split.config.ts) is skipped.");
}
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
