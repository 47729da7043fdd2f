import "server-only";
// Idempotency-Key for create and invite: a retried request with the same key and the same
// input gets the first response back and never creates twice. The record is written in the
// same transaction as what it records (and the org lock serializes the org's mutations), so a
// retry racing the first request waits for it and then sees its record.
import { and, eq, lte } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client";
import { idempotencyKeys } from "../db/schema";
import { sha256 } from "../security/tokens";
import { RosterError } from "./errors";
import type { Actor } from "./context";

/** How long a key is remembered; after that the same key starts a new request. */
export const IDEMPOTENCY_TTL_HOURS = 24;

const FIELD = "Idempotency-Key";

export const idempotencyKeySchema = z
  .string()
  .min(1, "An Idempotency-Key has 1 to 255 characters")
  .max(255, "An Idempotency-Key has 1 to 255 characters")
  .regex(/^[\x21-\x7e]+$/, "An Idempotency-Key is printable ASCII without spaces");

export interface IdempotencyOptions {
  /** The client's key (the `Idempotency-Key` header); absent: no idempotency. */
  idempotencyKey?: string;
  /** Set by the core when the answer is a replay of the first response. */
  replayed?: boolean;
}

/** Passwords are left out of the fingerprint: a fast hash of them must never be stored. */
const SECRET_FIELDS = new Set(["password", "passwordConfirmation"]);

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([k, v]) => v !== undefined && !SECRET_FIELDS.has(k))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The request's identity: the operation and its parsed input, canonical, hashed. */
export function fingerprint(operation: string, input: unknown): string {
  return sha256(`${operation}\n${canonical(input)}`);
}

/**
 * Runs `run` at most once per (caller, key): a first call runs it and records `stored(result)`;
 * a retry with the same input returns the recorded response (opts.replayed = true); the same
 * key with different input is VALIDATION. Without a key it just runs.
 */
export async function idempotent<T>(
  tx: Db,
  actor: Actor,
  opts: IdempotencyOptions,
  operation: string,
  input: unknown,
  now: Date,
  run: () => Promise<T>,
  stored: (result: T) => T,
): Promise<T> {
  if (opts.idempotencyKey === undefined) return run();
  const parsed = idempotencyKeySchema.safeParse(opts.idempotencyKey);
  if (!parsed.success) {
    const message = parsed.error.issues[0]!.message;
    throw new RosterError("VALIDATION", message, { [FIELD]: [message] });
  }
  const key = parsed.data;
  const print = fingerprint(operation, input);
  const [prior] = await tx
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.userId, actor.userId), eq(idempotencyKeys.key, key)))
    .for("update");
  if (prior && prior.expiresAt > now) {
    if (prior.fingerprint !== print) {
      throw new RosterError(
        "VALIDATION",
        "This Idempotency-Key was already used for a different request; use a new key for a new request",
        { [FIELD]: ["Already used for a different request"] },
      );
    }
    opts.replayed = true;
    return prior.response as T;
  }
  const result = await run();
  const expiresAt = new Date(now.getTime() + IDEMPOTENCY_TTL_HOURS * 3_600_000);
  await tx.delete(idempotencyKeys).where(lte(idempotencyKeys.expiresAt, now));
  await tx
    .insert(idempotencyKeys)
    .values({ userId: actor.userId, key, operation, fingerprint: print, response: stored(result), createdAt: now, expiresAt })
    .onConflictDoUpdate({
      target: [idempotencyKeys.userId, idempotencyKeys.key],
      set: { operation, fingerprint: print, response: stored(result), createdAt: now, expiresAt },
    });
  return result;
}
