import "server-only";
import { z } from "zod";

// Configuration is validated once, with an error that names the variable.
const schema = z.object({
  DATABASE_URL: z.url({ error: "DATABASE_URL must be a postgres:// URL" }).optional(),
  ROSTER_DATA_DIR: z.string().optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  APP_URL: z.url({ error: "APP_URL must be a URL such as https://roster.example.com" }).optional(),
  AUTH_SECRET: z.string().min(32, "AUTH_SECRET must have at least 32 characters").optional(),
  SMTP_URL: z
    .url({ protocol: /^smtps?$/, error: "SMTP_URL must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@smtp.example.com:587" })
    .optional(),
  MAIL_FROM: z.string().trim().min(3).max(320).optional(),
  MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(10),
  REDIS_URL: z.string().optional(),
  ROSTER_ADMIN_EMAIL: z.string().optional(),
  ROSTER_ADMIN_PASSWORD: z.string().optional(),
  ROSTER_SEED: z.enum(["demo", "none"]).default("demo"),
  INVITATION_TTL_HOURS: z.coerce.number().positive().max(24 * 90).default(24 * 7),
  PASSWORD_RESET_TTL_HOURS: z.coerce.number().positive().max(24 * 7).default(2),
  OIDC_ISSUER: z.url({ error: "OIDC_ISSUER must be the identity provider's issuer URL" }).optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  OIDC_NAME: z.string().max(60).default("single sign-on"),
  BULK_CHUNK_SIZE: z.coerce.number().int().min(1).max(5000).default(1000),
  USER_API_URL: z.url({ error: "USER_API_URL must be the user API's base URL, such as http://roster-api:3000" }).optional(),
  USER_API_SECRET: z.string().min(32, "USER_API_SECRET must have at least 32 characters").optional(),
  API_RATE_LIMIT_PER_MINUTE: z.coerce
    .number({ error: "API_RATE_LIMIT_PER_MINUTE must be a whole number" })
    .int("API_RATE_LIMIT_PER_MINUTE must be a whole number")
    .min(1)
    .max(1_000_000)
    .default(600),
});

export type Env = z.infer<typeof schema>;

let cached: Env | undefined;

export function env(source: Record<string, string | undefined> = process.env): Env {
  if (source === process.env && cached) return cached;
  const parsed = schema.safeParse(
    Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== "")),
  );
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const d = parsed.data;
  if (d.OIDC_ISSUER && (!d.OIDC_CLIENT_ID || !d.OIDC_CLIENT_SECRET)) {
    throw new Error("Invalid configuration:\n  OIDC_ISSUER is set: OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are needed too");
  }
  if (source === process.env) cached = parsed.data;
  return parsed.data;
}

/** The sender of Roster's emails: MAIL_FROM, or Roster <no-reply@APP_URL's host>. */
export function mailFrom(e: Env = env()): string {
  return e.MAIL_FROM ?? `Roster <no-reply@${new URL(appUrl(e)).hostname}>`;
}

export function appUrl(e: Env = env()): string {
  return e.APP_URL ?? `http://localhost:${e.PORT}`;
}
