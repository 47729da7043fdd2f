// Shared zod schemas for API keys: the settings form, its server action and the core parse
// with the same rules. No server-only code here.
import { z } from "zod";
import { SCOPES } from "./enums";

export const scopeSchema = z.enum(SCOPES, { error: `A scope is one of: ${SCOPES.join(", ")}` });

/** Expiry choices of the settings form; the API accepts any whole number of days in range. */
export const API_KEY_EXPIRY_DAYS = [7, 30, 90, 365] as const;
export const API_KEY_MAX_DAYS = 730;

export const createApiKeySchema = z.strictObject({
  name: z
    .string({ error: "Name the key" })
    .trim()
    .normalize("NFC")
    .min(1, "Name the key")
    .max(100, "A key name has at most 100 characters"),
  scopes: z
    .array(scopeSchema)
    .min(1, "Choose at least one scope")
    .max(SCOPES.length)
    .refine((s) => new Set(s).size === s.length, "Each scope once"),
  /** Days until the key stops working; null or absent: it never expires. */
  expiresInDays: z
    .number({ error: "expiresInDays must be a whole number of days" })
    .int("expiresInDays must be a whole number of days")
    .min(1, "A key lives at least one day")
    .max(API_KEY_MAX_DAYS, `A key lives at most ${API_KEY_MAX_DAYS} days`)
    .nullable()
    .optional(),
});
export type CreateApiKeyInput = z.input<typeof createApiKeySchema>;

/**
 * An API key as sent in `Authorization: Bearer`: a visible prefix, then the secret. The prefix
 * is what lists and logs show; the secret is only ever stored hashed.
 */
export const API_KEY_RE = /^(rk_[0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
