// Two app instances on one Postgres, each running its outbox sender at the same time: every
// message is delivered, and none twice (FOR UPDATE SKIP LOCKED and the lease).
import nodemailer from "nodemailer";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDatabase, type Database } from "../db/client";
import { emailOutbox, organizations } from "../db/schema";
import { createTestDatabase } from "../db/testing";
import { startSmtpCapture, type SmtpCapture } from "../testing/smtp";
import { createMailSender } from "./sender";

const MESSAGES = 120;

let test: Awaited<ReturnType<typeof createTestDatabase>>;
const instances: Database[] = [];
let smtp: SmtpCapture;

beforeAll(async () => {
  test = await createTestDatabase("postgres");
  for (let i = 0; i < 2; i++) instances.push(await openDatabase({ kind: "postgres", url: test.url!, poolSize: 4 }));
  smtp = await startSmtpCapture();
});
afterAll(async () => {
  await smtp?.close();
  for (const d of instances) await d.close();
  await test?.close();
});

it("two senders on one Postgres deliver every message exactly once", async () => {
  const [org] = await test.db.insert(organizations).values({ name: "Race", slug: "race" }).returning();
  const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
  await test.db.insert(emailOutbox).values(
    Array.from({ length: MESSAGES }, (_, i) => ({
      orgId: org!.id,
      to: `p${i}@race.test`,
      template: "invitation",
      payload: { link: `http://roster.test/invite/token${i}`, orgName: "Race", inviterName: "Ada", inviterEmail: "ada@race.test", recipientName: "", role: "member", expiresAt },
    })),
  );
  const senders = instances.map((d) =>
    createMailSender({
      db: d.db,
      transport: nodemailer.createTransport({ host: "127.0.0.1", port: smtp.port, secure: false, ignoreTLS: true, pool: true }),
      from: "Roster <no-reply@roster.test>",
      maxAttempts: 3,
      batchSize: 7,
      log: { warn: () => {}, error: () => {} },
    }),
  );
  // Several passes per instance, all at once (as timers and kicks would overlap).
  const reports = await Promise.all(senders.flatMap((s) => [s.deliverDue(), s.deliverDue(), s.deliverDue()]));
  expect(reports.reduce((n, r) => n + r.sent, 0)).toBe(MESSAGES);
  expect(reports.every((r) => r.retried === 0 && r.failed === 0)).toBe(true);

  const recipients = smtp.messages.map((m) => m.to[0]);
  expect(recipients).toHaveLength(MESSAGES);
  expect(new Set(recipients).size).toBe(MESSAGES);
  const rows = await test.db.select().from(emailOutbox);
  expect(rows.every((r) => r.status === "sent" && r.attempts === 1)).toBe(true);
});
