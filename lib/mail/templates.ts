import "server-only";
import { z } from "zod";
import { ROLES, type Role } from "../validation/enums";

// The emails Roster sends: an invitation and a password-reset link, each as plain text and
// HTML. Every value comes from an outbox row (names and org names are user input), so the HTML
// escapes all of them and the subject carries no line breaks.

export const MAIL_TEMPLATES = ["invitation", "password_reset"] as const;
export type MailTemplate = (typeof MAIL_TEMPLATES)[number];

const httpUrl = z.url({ protocol: /^https?$/, error: "link must be an http(s) URL" });

/** The payload the core writes with each outbox row (lib/users/tokens.ts). */
export const mailPayloadSchema = z.object({
  link: httpUrl,
  orgName: z.string(),
  inviterName: z.string(),
  inviterEmail: z.string(),
  recipientName: z.string().nullish(),
  role: z.enum(ROLES).nullish(),
  expiresAt: z.iso.datetime({ offset: true }),
});
export type MailPayload = z.infer<typeof mailPayloadSchema>;

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const ROLE_NAMES: Record<Role, string> = {
  admin: "an admin",
  manager: "a manager",
  auditor: "an auditor",
  member: "a member",
};

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** One line of text: no control characters (a subject must not grow headers). */
function oneLine(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ").replace(/\s+/g, " ").trim();
}

/** "Sunday, 29 November 2026, 20:05 UTC": unambiguous for every reader, whatever their zone. */
export function formatExpiry(iso: string): string {
  const d = new Date(iso);
  const date = new Intl.DateTimeFormat("en-GB", {
    weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC",
  }).format(d);
  const time = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: "UTC" }).format(d);
  return `${date}, ${time} UTC`;
}

interface Parts {
  subject: string;
  greeting: string;
  /** Paragraphs before the link, as text. */
  intro: string[];
  action: string;
  /** Paragraphs after the link. */
  outro: string[];
  link: string;
}

function render(p: Parts): RenderedMail {
  const text = [p.greeting, "", ...p.intro.flatMap((s) => [s, ""]), `${p.action}:`, p.link, "", ...p.outro.flatMap((s) => [s, ""]), "— Roster"].join("\n");
  const para = (s: string) => `<p style="margin:0 0 16px">${escapeHtml(s)}</p>`;
  const href = escapeHtml(p.link);
  const html = [
    "<!doctype html>",
    `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(p.subject)}</title></head>`,
    '<body style="margin:0;padding:24px;background:#f5f5f5;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#171717">',
    '<div style="max-width:560px;margin:0 auto;padding:32px;background:#ffffff;border-radius:8px;line-height:1.5">',
    para(p.greeting),
    ...p.intro.map(para),
    `<p style="margin:24px 0"><a href="${href}" style="display:inline-block;padding:10px 18px;background:#171717;color:#ffffff;border-radius:6px;text-decoration:none">${escapeHtml(p.action)}</a></p>`,
    `<p style="margin:0 0 16px;font-size:13px;color:#525252">Or open this address: <a href="${href}" style="color:#171717;word-break:break-all">${href}</a></p>`,
    ...p.outro.map(para),
    '<p style="margin:0;color:#525252">— Roster</p>',
    "</div></body></html>",
  ].join("\n");
  return { subject: oneLine(p.subject), text, html };
}

/** Renders one outbox row; a payload that does not parse throws (the row cannot be sent). */
export function renderMail(template: string, payload: unknown): RenderedMail {
  const v = mailPayloadSchema.parse(payload);
  const org = oneLine(v.orgName) || "your organization";
  const inviter = oneLine(v.inviterName) || oneLine(v.inviterEmail);
  const by = v.inviterEmail && inviter !== v.inviterEmail ? `${inviter} (${oneLine(v.inviterEmail)})` : inviter;
  const greeting = v.recipientName?.trim() ? `Hello ${oneLine(v.recipientName)},` : "Hello,";
  const expires = `This link works once and expires on ${formatExpiry(v.expiresAt)}.`;
  switch (template) {
    case "invitation":
      return render({
        subject: `${inviter} invited you to ${org} on Roster`,
        greeting,
        intro: [`${by} invited you to join ${org} on Roster${v.role ? ` as ${ROLE_NAMES[v.role]}` : ""}.`],
        action: "Accept the invitation and choose your password",
        link: v.link,
        outro: [expires, "If you did not expect this invitation, you can ignore this email; nothing happens unless you open the link and choose a password."],
      });
    case "password_reset":
      return render({
        subject: `Choose a new password for ${org} on Roster`,
        greeting,
        intro: [`${by}, an administrator of ${org}, reset your Roster password. Your previous password no longer works and your sessions have ended.`],
        action: "Choose a new password",
        link: v.link,
        outro: [expires, "If you did not expect this, contact an administrator of your organization."],
      });
    default:
      throw new Error(`Unknown email template "${template}"`);
  }
}
