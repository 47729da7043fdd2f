import { randomInt } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import { dictionary } from "@zxcvbn-ts/language-common";
import { passwordIsEmail } from "../validation/users";

// OWASP's argon2id baseline (m=19 MiB, t=2, p=1).
// (algorithm 2 is Argon2id; the package exports it as an ambient const enum.)
const ARGON2 = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A hash of nothing anyone knows: verified against when no user matches, so timing is alike. */
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword(randomToken());
  return decoyHash;
}

// The 10,000 most common passwords of the zxcvbn-ts list (ranked by frequency in breaches).
const COMMON = new Set(
  (dictionary["passwords-common"] as string[]).slice(0, 10_000).map((p) => p.toLowerCase()),
);

/** The server-side part of the password policy; null when acceptable. */
export function commonPasswordProblem(password: string, email?: string): string | null {
  const lower = password.normalize("NFC").toLowerCase();
  if (COMMON.has(lower)) return "This password is too common; choose another";
  if (email && passwordIsEmail(password, email)) return "Do not use your email as your password";
  return null;
}

const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
/** A temporary password: 16 characters from an unambiguous alphabet (~93 bits). */
export function generateTemporaryPassword(length = 16): string {
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

function randomToken(): string {
  return generateTemporaryPassword(32);
}
