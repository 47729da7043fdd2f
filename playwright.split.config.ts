// The console and the user API as two processes: `next start` twice from the same build, the
// console with USER_API_URL pointing at the API, both on one fresh Postgres database (PGlite
// cannot be shared by two processes). Runs e2e/split/*.spec.ts; needs `next build` first and a
// Postgres server: E2E_SPLIT_DATABASE_URL, else TEST_DATABASE_URL (an admin connection that may
// CREATE DATABASE). `npm test` runs it after the main e2e when one is set.
import { defineConfig, devices } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";

const consolePort = Number(process.env.E2E_SPLIT_PORT ?? 3105);
const apiPort = Number(process.env.E2E_SPLIT_API_PORT ?? 3106);
const adminUrl = process.env.E2E_SPLIT_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!adminUrl) throw new Error("playwright.split.config.ts needs E2E_SPLIT_DATABASE_URL or TEST_DATABASE_URL (a Postgres server)");

// The config is evaluated again in each worker: create the database once, in the runner, and
// hand its name down through the environment (workers inherit it).
if (!process.env.E2E_SPLIT_DB) {
  const name = `roster_e2e_split_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  execFileSync(process.execPath, ["e2e/split/database.mjs", "create", adminUrl, name], { stdio: "inherit" });
  process.env.E2E_SPLIT_DB = name;
  process.env.E2E_SPLIT_ADMIN_URL = adminUrl;
}
const databaseUrl = (() => {
  const u = new URL(adminUrl);
  u.pathname = `/${process.env.E2E_SPLIT_DB}`;
  return u.toString();
})();

export const SPLIT_API_URL = `http://127.0.0.1:${apiPort}`;
export const SPLIT_DATABASE_URL = databaseUrl;
export const SPLIT_ADMIN_PASSWORD = "e2e-Split-admin-passphrase-42";
const secrets = {
  AUTH_SECRET: process.env.E2E_SPLIT_AUTH_SECRET ?? "split-e2e-auth-secret-".padEnd(48, "a"),
  USER_API_SECRET: process.env.E2E_SPLIT_USER_API_SECRET ?? "split-e2e-user-api-secret-".padEnd(48, "u"),
};
const common = {
  NEXT_TELEMETRY_DISABLED: "1",
  DATABASE_URL: databaseUrl,
  DATABASE_POOL_SIZE: "5",
  ROSTER_ADMIN_PASSWORD: SPLIT_ADMIN_PASSWORD,
  ...secrets,
};

export default defineConfig({
  testDir: "./e2e/split",
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: [["list"]],
  timeout: 60_000,
  globalTeardown: "./e2e/split/teardown.ts",
  use: {
    baseURL: `http://127.0.0.1:${consolePort}`,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    },
  },
  projects: [{ name: "split", use: { ...devices["Desktop Chrome"] } }],
  // Started in this order, each after the previous answers: the API applies the migrations and
  // seeds the demo; the console then finds both done.
  webServer: [
    {
      command: `node node_modules/next/dist/bin/next start -p ${apiPort}`,
      url: `http://127.0.0.1:${apiPort}/api/health`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "pipe",
      // Links in emails point at the console. The API's own invitation lifetime (100 h, not the
      // default 168 h) lets the spec tell which process ran the core.
      env: { ...common, PORT: String(apiPort), APP_URL: `http://127.0.0.1:${consolePort}`, INVITATION_TTL_HOURS: "100" },
    },
    {
      command: `node node_modules/next/dist/bin/next start -p ${consolePort}`,
      url: `http://127.0.0.1:${consolePort}/api/health`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "pipe",
      env: {
        ...common,
        PORT: String(consolePort),
        APP_URL: `http://127.0.0.1:${consolePort}`,
        USER_API_URL: `http://127.0.0.1:${apiPort}`,
        INVITATION_TTL_HOURS: "168",
      },
    },
  ],
});
