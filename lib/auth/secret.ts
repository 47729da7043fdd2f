import "server-only";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { randomToken } from "../security/tokens";
import { env } from "../config";

let cached: string | undefined;

/**
 * The key that signs session tokens: AUTH_SECRET, or, for a single embedded installation, one
 * generated once and kept beside the data (so sessions survive restarts). Several instances
 * sharing a Postgres must set the same AUTH_SECRET.
 */
export function authSecret(): string {
  if (cached) return cached;
  const e = env();
  if (e.AUTH_SECRET) return (cached = e.AUTH_SECRET);
  if (e.DATABASE_URL && process.env.NODE_ENV === "production" && !process.env.ROSTER_ALLOW_FILE_SECRET) {
    console.warn("[roster] AUTH_SECRET is not set: using a per-machine secret; app instances will not share sessions.");
  }
  const dir = path.resolve(/*turbopackIgnore: true*/ e.ROSTER_DATA_DIR || ".roster");
  const file = path.join(dir, "auth-secret");
  try {
    cached = readFileSync(file, "utf8").trim();
    if (cached.length >= 32) return cached;
  } catch {
    // first start: create it below
  }
  mkdirSync(dir, { recursive: true });
  cached = randomToken(48);
  writeFileSync(file, cached, { mode: 0o600 });
  return cached;
}
