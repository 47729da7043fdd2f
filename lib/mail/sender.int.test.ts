// The outbox sender against a real SMTP server (smtp-server) started here: what arrives, and
// what happens when the server is down, refuses, or never recovers.
import { eq } from "drizzle-orm";
import nodemailer from "nodemailer";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { emailOutbox } from "../db/schema";
import { createWorld, type World } from "../testing/fixtures";
import { freePort, startSmtpCapture, type SmtpCapture } from "../testing/smtp";
import { createMailSender, type MailSenderOptions } from "./sender";
import { onMailQueued } from "./signal";
import { formatExpiry } from "./templates";

let w: World;
let smtp: SmtpCapture | null = null;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(() => w?.close());
// Each test starts with an empty outbox (the sender would otherwise deliver earlier tests' mail).
beforeEach(async () => {
  await w.database.db.delete(emailOutbox);
});
afterEach(async () => {
  await smtp?.close();
  smtp = null;
});

const FROM = "Roster <no-reply@roster.test>";
const transportTo = (port: number) =>
  nodemailer.createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true, connectionTimeout: 2_000, greetingTimeout: 2_000, socketTimeout: 5_000 });

/** A sender on a clock the test moves. */
function senderFor(port: number, opts: Partial<MailSenderOptions> = {}) {
  // A little ahead of the core's clock, so that what the core has just queued is due.
  const clock = { t: Date.now() + 60_000 };
  const log = { warn: vi.fn(), error: vi.fn() };
  const sender = createMailSender({
    db: w.database.db,
    transport: transportTo(port),
    from: FROM,
    maxAttempts: 5,
    retryBaseMs: 30_000,
    now: () => new Date(clock.t),
    log,
    ...opts,
  });
  return { sender, clock, log };
}

const outbox = () => w.database.db.select().from(emailOutbox).orderBy(emailOutbox.createdAt);
const linkIn = (text: string) => text.match(/http:\/\/roster\.test\/(invite|reset-password)\/[\w-]+/)?.[0];

describe("delivery through SMTP", () => {
  it("an invitation: recipient, subject, a link the core previews, the expiry; names escaped in HTML", async () => {
    const hostile = `<img src=x onerror=alert(1)>`;
    await w.core.update(w.as(w.u.admin2), w.u.admin.id, { name: hostile });
    smtp = await startSmtpCapture();
    const { sender } = senderFor(smtp.port);
    const email = "new.person@elsewhere.test";
    const [result] = await w.core.invite(w.as(w.u.admin), { emails: [email], role: "manager", name: "Nia New" });
    expect(result).toMatchObject({ outcome: "invited" });

    expect(await sender.deliverDue()).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(smtp.messages).toHaveLength(1);
    const m = smtp.messages[0]!;
    expect(m.to).toEqual([email]);
    expect(m.from).toBe("no-reply@roster.test");
    expect(m.parsed.subject).toBe(`${hostile} invited you to Org A on Roster`); // a subject is text
    const text = m.parsed.text!;
    expect(text).toContain("Hello Nia New,");
    expect(text).toContain(`${hostile} (admin@a.test) invited you to join Org A on Roster as a manager.`);
    const link = linkIn(text)!;
    expect(link).toMatch(/\/invite\//);
    const preview = await w.core.previewInvitation(link.split("/").pop());
    expect(preview).toMatchObject({ email, role: "manager", orgName: "Org A", name: "Nia New" });
    expect(text).toContain(`expires on ${formatExpiry(preview.expiresAt)}`);
    const html = m.parsed.html as string;
    expect(html).toContain(`href="${link}"`);
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).not.toContain("<img");
    const [row] = await outbox();
    expect(m.parsed.messageId).toBe(`<${row!.id}@roster.test>`);
    expect(row).toMatchObject({ status: "sent", attempts: 1, lastError: null });
    expect(row!.sentAt).not.toBeNull();
    // Delivered once: a second pass sends nothing.
    expect(await sender.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(smtp.messages).toHaveLength(1);
  });

  it("a password reset: a link the core previews, sent to the user", async () => {
    smtp = await startSmtpCapture();
    const { sender } = senderFor(smtp.port);
    await w.core.resetPassword(w.as(w.u.admin), w.u.member.id, { mode: "email_link" });
    await sender.deliverDue();
    expect(smtp.messages.map((m) => m.to)).toEqual([["member@a.test"]]);
    const m = smtp.messages[0]!;
    expect(m.parsed.subject).toBe("Choose a new password for Org A on Roster");
    const link = linkIn(m.parsed.text!)!;
    expect(link).toMatch(/\/reset-password\//);
    const preview = await w.core.previewPasswordReset(link.split("/").pop());
    expect(preview).toMatchObject({ email: "member@a.test" });
    expect(m.parsed.text).toContain(`expires on ${formatExpiry(preview.expiresAt)}`);
  });

  it("the core tells the sender after committing an operation that queues mail", async () => {
    const kicks = vi.fn();
    const off = onMailQueued(kicks);
    try {
      await w.core.invite(w.as(w.u.admin), { emails: ["kick@a.test"], role: "member" });
      await w.core.resendInvitation(w.as(w.u.admin), (await w.reload(w.u.invited.id))!.id);
      await w.core.resetPassword(w.as(w.u.admin), w.u.member.id, { mode: "email_link" });
      expect(kicks).toHaveBeenCalledTimes(3);
      // A refused operation queues nothing and tells nobody.
      await expect(w.core.invite(w.as(w.u.auditor), { emails: ["no@a.test"], role: "member" })).rejects.toThrow();
      expect(kicks).toHaveBeenCalledTimes(3);
    } finally {
      off();
    }
  });
});

describe("faults", () => {
  it("SMTP down while inviting: the invitations succeed, nothing is lost, all is delivered once SMTP is back", async () => {
    const port = await freePort();
    const { sender, clock, log } = senderFor(port);
    const emails = ["d1@x.test", "d2@x.test", "d3@x.test", "d4@x.test", "d5@x.test"];
    const results = await w.core.invite(w.as(w.u.manager), { emails, role: "member" });
    expect(results.map((r) => r.outcome)).toEqual(emails.map(() => "invited"));

    expect(await sender.deliverDue()).toEqual({ sent: 0, retried: 5, failed: 0 });
    const rows = await outbox();
    expect(rows).toHaveLength(5);
    for (const r of rows) {
      expect(r).toMatchObject({ status: "pending", attempts: 1 });
      expect(r.lastError).toBeTruthy();
      expect(r.nextAttemptAt.getTime()).toBe(clock.t + 30_000);
    }
    expect(log.warn).toHaveBeenCalled();

    smtp = await startSmtpCapture(port);
    // Not due yet: nothing is tried before the backoff has passed.
    expect(await sender.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0 });
    clock.t += 30_000;
    expect(await sender.deliverDue()).toEqual({ sent: 5, retried: 0, failed: 0 });
    expect(smtp.messages.map((m) => m.to[0]).sort()).toEqual([...emails].sort());
    expect((await outbox()).every((r) => r.status === "sent" && r.attempts === 2)).toBe(true);
  });

  it("a refusing server: exponential backoff, then given up after the last attempt and logged", async () => {
    smtp = await startSmtpCapture();
    smtp.refuse = { code: 451, message: "Try again later" };
    const { sender, clock, log } = senderFor(smtp.port, { maxAttempts: 4, retryBaseMs: 1_000 });
    await w.core.invite(w.as(w.u.admin), { emails: ["later@x.test"], role: "member" });
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect(await sender.deliverDue()).toEqual({ sent: 0, retried: 1, failed: 0 });
      const [row] = await outbox();
      expect(row).toMatchObject({ status: "pending", attempts: attempt });
      expect(row!.lastError).toContain("Try again later");
      delays.push(row!.nextAttemptAt.getTime() - clock.t);
      clock.t = row!.nextAttemptAt.getTime() - 1;
      expect(await sender.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0 }); // not yet
      clock.t += 1;
    }
    expect(delays).toEqual([1_000, 2_000, 4_000]);
    expect(await sender.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 1 });
    const [row] = await outbox();
    expect(row).toMatchObject({ status: "failed", attempts: 4 });
    expect(log.error).toHaveBeenCalledWith(expect.stringContaining(`gave up on message ${row!.id}`));
    // Given up means given up: a recovered server gets nothing more.
    smtp.refuse = null;
    clock.t += 86_400_000;
    expect(await sender.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(smtp.messages).toHaveLength(0);
  });

  it("a permanent refusal (5xx) is given up at once; an unrenderable row too, and the others still go", async () => {
    smtp = await startSmtpCapture();
    smtp.refuse = { code: 550, message: "No such mailbox" };
    const { sender } = senderFor(smtp.port);
    await w.core.invite(w.as(w.u.admin), { emails: ["nobody@x.test"], role: "member" });
    expect(await sender.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 1 });
    expect((await outbox())[0]).toMatchObject({ status: "failed", attempts: 1 });

    smtp.refuse = null;
    await w.database.db.insert(emailOutbox).values({ orgId: w.orgA, to: "broken@x.test", template: "invitation", payload: { link: "javascript:alert(1)" } });
    await w.core.invite(w.as(w.u.admin), { emails: ["fine@x.test"], role: "member" });
    expect(await sender.deliverDue()).toEqual({ sent: 1, retried: 0, failed: 1 });
    const [broken] = await w.database.db.select().from(emailOutbox).where(eq(emailOutbox.to, "broken@x.test"));
    expect(broken).toMatchObject({ status: "failed", attempts: 1 });
    expect(broken!.lastError).toMatch(/^cannot render/);
    expect(smtp.messages.map((m) => m.to[0])).toEqual(["fine@x.test"]);
  });
});
