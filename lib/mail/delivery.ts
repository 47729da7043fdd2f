import "server-only";
import { count, eq } from "drizzle-orm";
import nodemailer from "nodemailer";
import { env, mailFrom, type Env } from "../config";
import type { Database } from "../db/client";
import { emailOutbox } from "../db/schema";
import { backgroundRunner } from "../background";
import { createMailSender } from "./sender";
import { onMailQueued } from "./signal";

const POLL_MS = 10_000;

export interface MailDelivery {
  /** Runs a delivery pass now (coalesced with one already running). */
  kick(): void;
  /** Stops the timer and waits for a pass in progress. */
  stop(): Promise<void>;
}

/**
 * Runs the outbox sender in the app process: every POLL_MS, and at once when the core has just
 * queued a message. Without SMTP_URL nothing is sent: the messages wait in the outbox, and
 * admins hand links over with "Copy invitation link".
 */
export async function startMailDelivery(database: Database, e: Env = env()): Promise<MailDelivery | null> {
  if (!e.SMTP_URL) {
    const [waiting] = await database.db
      .select({ n: count() })
      .from(emailOutbox)
      .where(eq(emailOutbox.status, "pending"));
    console.log(
      `[roster] mail: SMTP_URL is not set, so no email is sent; messages stay in the outbox (${waiting?.n ?? 0} waiting). ` +
        'Hand invitation links over with "Copy invitation link" in the user drawer, or set SMTP_URL.',
    );
    return null;
  }
  const transport = nodemailer.createTransport(e.SMTP_URL, {
    // Short timeouts: a send must finish well inside the sender's lease.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  const sender = createMailSender({ db: database.db, transport, from: mailFrom(e), maxAttempts: e.MAIL_MAX_ATTEMPTS });
  const server = new URL(e.SMTP_URL);
  console.log(`[roster] mail: sending through ${server.protocol}//${server.host} as ${mailFrom(e)}`);

  const runner = backgroundRunner("mail: delivery pass", async () => {
    try {
      const r = await sender.deliverDue();
      if (r.sent + r.retried + r.failed > 0) {
        console.log(`[roster] mail: ${r.sent} sent, ${r.retried} to retry, ${r.failed} given up`);
      }
    } catch (err) {
      // The database may be away for a moment; the next pass tries again.
      console.error("[roster] mail: delivery pass failed:", err instanceof Error ? err.message : err);
    }
  });
  const { kick } = runner;
  let stopped = false;
  const timer = setInterval(kick, POLL_MS);
  timer.unref();
  const unsubscribe = onMailQueued(kick);
  kick();

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    unsubscribe();
    await runner.stop();
    transport.close();
  };
  // On shutdown: no new pass starts; a message cut off mid-send is retried after its lease.
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => void stop());
  return { kick, stop };
}
