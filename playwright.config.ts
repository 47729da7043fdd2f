import { defineConfig, devices } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const port = Number(process.env.E2E_PORT ?? 3100);
// A fresh embedded database for every run, with known demo passwords.
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(path.join(tmpdir(), "roster-e2e-"));
export const E2E_ADMIN_PASSWORD = "e2e-Admin-passphrase-42";
// A local OpenID Provider (e2e/support/idp.mjs) that the app signs in with as "Test SSO".
const idpPort = Number(process.env.E2E_IDP_PORT ?? 3190);
const idpUrl = `http://127.0.0.1:${idpPort}`;
export const E2E_OIDC_NAME = "Test SSO";
const oidcClient = { id: "roster-e2e", secret: "roster-e2e-client-secret" };
// An SMTP server keeping what the apps send (e2e/support/smtp-capture.mjs); specs read it over HTTP.
const smtpPort = Number(process.env.E2E_SMTP_PORT ?? 3101);
const mailPort = Number(process.env.E2E_MAIL_PORT ?? 3102);
export const E2E_MAIL_URL = `http://127.0.0.1:${mailPort}`;
const smtpUrl = `smtp://127.0.0.1:${smtpPort}`;
// A second app, on its own embedded database, whose invitation links expire after 36 seconds:
// how the expired-link spec gets an expired link without any test hook in the product.
const shortTtlPort = Number(process.env.E2E_SHORT_TTL_PORT ?? 3103);
export const E2E_SHORT_TTL_URL = `http://127.0.0.1:${shortTtlPort}`;
export const E2E_SHORT_TTL_SECONDS = 36;
const shortTtlDataDir = process.env.E2E_SHORT_TTL_DATA_DIR ?? mkdtempSync(path.join(tmpdir(), "roster-e2e-ttl-"));

export default defineConfig({
  testDir: "./e2e",
  // e2e/split runs with its own config (two processes on Postgres): playwright.split.config.ts
  testIgnore: ["split/**"],
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  timeout: 30_000,
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"] } }],
  webServer: [
    {
      command: "node e2e/support/idp.mjs",
      url: `${idpUrl}/.well-known/openid-configuration`,
      timeout: 30_000,
      reuseExistingServer: false,
      stdout: "pipe",
      env: {
        IDP_PORT: String(idpPort),
        IDP_CLIENT_ID: oidcClient.id,
        IDP_CLIENT_SECRET: oidcClient.secret,
        IDP_REDIRECT_URI: `http://127.0.0.1:${port}/api/auth/callback/oidc`,
      },
    },
    {
      command: "node e2e/support/smtp-capture.mjs",
      url: `${E2E_MAIL_URL}/health`,
      timeout: 30_000,
      reuseExistingServer: false,
      stdout: "pipe",
      env: { SMTP_PORT: String(smtpPort), HTTP_PORT: String(mailPort) },
    },
    {
      command: `node node_modules/next/dist/bin/next start -p ${port}`,
      url: `http://127.0.0.1:${port}/api/health`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "pipe",
      env: {
        NEXT_TELEMETRY_DISABLED: "1",
        ROSTER_DATA_DIR: dataDir,
        ROSTER_ADMIN_PASSWORD: E2E_ADMIN_PASSWORD,
        APP_URL: `http://127.0.0.1:${port}`,
        PORT: String(port),
        OIDC_ISSUER: idpUrl,
        OIDC_CLIENT_ID: oidcClient.id,
        OIDC_CLIENT_SECRET: oidcClient.secret,
        OIDC_NAME: E2E_OIDC_NAME,
        SMTP_URL: smtpUrl,
      },
    },
    {
      command: `node node_modules/next/dist/bin/next start -p ${shortTtlPort}`,
      url: `${E2E_SHORT_TTL_URL}/api/health`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "pipe",
      env: {
        NEXT_TELEMETRY_DISABLED: "1",
        ROSTER_DATA_DIR: shortTtlDataDir,
        ROSTER_ADMIN_PASSWORD: E2E_ADMIN_PASSWORD,
        APP_URL: E2E_SHORT_TTL_URL,
        PORT: String(shortTtlPort),
        SMTP_URL: smtpUrl,
        INVITATION_TTL_HOURS: String(E2E_SHORT_TTL_SECONDS / 3600),
      },
    },
  ],
});
