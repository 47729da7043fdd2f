import "server-only";
import { and, asc, eq, inArray, lte, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { emailOutbox } from "../db/schema";
import { renderMail } from "./templates";

/** What the sender needs of a nodemailer transport. */
export interface MailTransport {
  sendMail(message: {
    from: string;
    to: string;
    subject: string;
    text: string;
    html: string;
    messageId?: string;
    headers?: Record<string, string>;
  }): Promise<unknown>;
}

export interface MailSenderOptions {
  db: Db;
  transport: MailTransport;
  from: string;
  /** Delivery attempts before a message is given up (status "failed"). */
  maxAttempts: number;
  /** Delay after the first failure; doubled after each further one, up to retryMaxMs. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /**
   * How long a claimed message is reserved for the instance that claimed it. If that instance
   * dies mid-send, the message becomes due again after this (delivery is at least once).
   */
  leaseMs?: number;
  batchSize?: number;
  now?: () => Date;
  log?: Pick<Console, "warn" | "error">;
}

export interface DeliveryReport {
  sent: number;
  retried: number;
  failed: number;
}

type Claimed = typeof emailOutbox.$inferSelect;

/** The delay before attempt `attempts + 1`, after `attempts` failures (exponential, capped). */
export function retryDelayMs(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
}

/** A permanent refusal (5xx reply) is not worth retrying; a timeout or 4xx is. */
function isPermanent(err: unknown): boolean {
  const code = (err as { responseCode?: unknown })?.responseCode;
  return typeof code === "number" && code >= 500 && code < 600;
}

/** The server could not be reached at all: the rest of the batch would fail the same way. */
function isUnreachable(err: unknown): boolean {
  const e = err as { code?: unknown; command?: unknown };
  return e?.command === "CONN" || ["ECONNECTION", "ECONNREFUSED", "ETIMEDOUT", "ESOCKET", "EDNS"].includes(String(e?.code));
}

function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.slice(0, 1000);
}

/**
 * Delivers due outbox rows. Several app instances may run one each on a shared Postgres:
 * a row is claimed with FOR UPDATE SKIP LOCKED and leased (its next attempt pushed past the
 * lease) in one statement, so no two instances hold the same row.
 */
export function createMailSender(opts: MailSenderOptions) {
  const {
    db,
    transport,
    from,
    maxAttempts,
    retryBaseMs = 30_000,
    retryMaxMs = 3_600_000,
    leaseMs = 5 * 60_000,
    batchSize = 20,
    now = () => new Date(),
    log = console,
  } = opts;
  const host = (() => {
    const at = from.lastIndexOf("@");
    return at >= 0 ? from.slice(at + 1).replace(/[>\s].*$/, "") || "roster.invalid" : "roster.invalid";
  })();

  /** Claims up to `batchSize` due rows and counts the attempt. */
  async function claim(): Promise<Claimed[]> {
    const t = now();
    const due = db
      .select({ id: emailOutbox.id })
      .from(emailOutbox)
      .where(and(eq(emailOutbox.status, "pending"), lte(emailOutbox.nextAttemptAt, t)))
      .orderBy(asc(emailOutbox.nextAttemptAt))
      .limit(batchSize)
      .for("update", { skipLocked: true });
    return db
      .update(emailOutbox)
      .set({ attempts: sql`${emailOutbox.attempts} + 1`, nextAttemptAt: new Date(t.getTime() + leaseMs) })
      .where(and(inArray(emailOutbox.id, due), eq(emailOutbox.status, "pending")))
      .returning();
  }

  // Updates only the row as this instance claimed it (same attempt count, still pending).
  const mine = (row: Claimed) =>
    and(eq(emailOutbox.id, row.id), eq(emailOutbox.status, "pending"), eq(emailOutbox.attempts, row.attempts));

  async function giveUp(row: Claimed, error: string, report: DeliveryReport) {
    await db.update(emailOutbox).set({ status: "failed", lastError: error }).where(mine(row));
    report.failed++;
    log.error(`[roster] mail: gave up on message ${row.id} (${row.template} to ${row.to}) after ${row.attempts} attempt(s): ${error}`);
  }

  async function retryLater(row: Claimed, error: string, report: DeliveryReport) {
    const next = new Date(now().getTime() + retryDelayMs(row.attempts, retryBaseMs, retryMaxMs));
    await db.update(emailOutbox).set({ nextAttemptAt: next, lastError: error }).where(mine(row));
    report.retried++;
    log.warn(`[roster] mail: attempt ${row.attempts} for message ${row.id} failed (${error}); next try at ${next.toISOString()}`);
  }

  /** Sends one claimed row; answers false when the SMTP server is unreachable. */
  async function deliver(row: Claimed, report: DeliveryReport): Promise<boolean> {
    let mail;
    try {
      mail = renderMail(row.template, row.payload);
    } catch (err) {
      // A row that cannot be rendered never will be: no retry.
      await giveUp(row, `cannot render: ${describe(err)}`, report);
      return true;
    }
    try {
      await transport.sendMail({
        from,
        to: row.to,
        ...mail,
        // The same id on a redelivery lets the receiving side see it is one message.
        messageId: `<${row.id}@${host}>`,
        headers: { "Auto-Submitted": "auto-generated" },
      });
    } catch (err) {
      const error = describe(err);
      if (row.attempts >= maxAttempts || isPermanent(err)) await giveUp(row, error, report);
      else await retryLater(row, error, report);
      return !isUnreachable(err);
    }
    await db.update(emailOutbox).set({ status: "sent", sentAt: now(), lastError: null }).where(mine(row));
    report.sent++;
    return true;
  }

  return {
    /** Sends everything due now (batch after batch) and reports what happened. */
    async deliverDue(): Promise<DeliveryReport> {
      const report: DeliveryReport = { sent: 0, retried: 0, failed: 0 };
      for (;;) {
        const rows = await claim();
        let reachable = true;
        for (const row of rows) {
          if (reachable) {
            reachable = await deliver(row, report);
          } else if (row.attempts >= maxAttempts) {
            await giveUp(row, "SMTP server unreachable", report);
          } else {
            // Counted as an attempt: the server was tried for this batch and could not be reached.
            await retryLater(row, "SMTP server unreachable", report);
          }
        }
        if (!reachable || rows.length < batchSize) return report;
      }
    },
  };
}

export type MailSender = ReturnType<typeof createMailSender>;
