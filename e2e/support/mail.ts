// Reads what the apps sent to the SMTP capture server (e2e/support/smtp-capture.mjs).
import { expect } from "@playwright/test";
import { E2E_MAIL_URL } from "../../playwright.config";

export interface CapturedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
}

export async function mailsTo(address: string): Promise<CapturedMail[]> {
  const res = await fetch(`${E2E_MAIL_URL}/messages?to=${encodeURIComponent(address)}`);
  if (!res.ok) throw new Error(`smtp-capture answered ${res.status}`);
  return (await res.json()) as CapturedMail[];
}

/** Waits for message number `n` (1-based) to `address` and returns it. */
export async function waitForMail(address: string, n: number): Promise<CapturedMail> {
  await expect.poll(async () => (await mailsTo(address)).length, { timeout: 20_000, intervals: [250] }).toBeGreaterThanOrEqual(n);
  return (await mailsTo(address))[n - 1]!;
}

/** The invitation or reset link in a message's text. */
export function linkIn(mail: CapturedMail): string {
  const link = mail.text.match(/https?:\/\/\S+\/(?:invite|reset-password)\/[\w-]+/)?.[0];
  if (!link) throw new Error(`no link in: ${mail.text}`);
  return link;
}
