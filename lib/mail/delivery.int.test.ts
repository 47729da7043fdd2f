// The sender as the app runs it: started with the configuration, kicked by the core the moment
// an invitation is committed, quiet once stopped; without SMTP_URL it sends nothing and says so.
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { env } from "../config";
import { emailOutbox } from "../db/schema";
import { createWorld, type World } from "../testing/fixtures";
import { startSmtpCapture, type SmtpCapture } from "../testing/smtp";
import { startMailDelivery } from "./delivery";

let w: World;
let smtp: SmtpCapture;
beforeAll(async () => {
  w = await createWorld();
  smtp = await startSmtpCapture();
});
afterAll(async () => {
  await smtp?.close();
  await w?.close();
});

it("delivers what the core queues without waiting for the next poll, and stops cleanly", async () => {
  const delivery = await startMailDelivery(w.database, env({ SMTP_URL: smtp.url, APP_URL: "http://roster.test" }));
  expect(delivery).not.toBeNull();
  await w.core.invite(w.as(w.u.admin), { emails: ["kicked@x.test"], role: "member" });
  await expect.poll(() => smtp.messages.length, { timeout: 5_000 }).toBe(1); // well inside the 10 s poll
  expect(smtp.messages[0]!.from).toBe("no-reply@roster.test");

  await delivery!.stop();
  await w.core.invite(w.as(w.u.admin), { emails: ["after-stop@x.test"], role: "member" });
  await new Promise((r) => setTimeout(r, 500));
  expect(smtp.messages).toHaveLength(1);
  const rows = await w.database.db.select().from(emailOutbox);
  expect(rows.map((r) => [r.to, r.status]).sort()).toEqual([["after-stop@x.test", "pending"], ["kicked@x.test", "sent"]]);
});

it("without SMTP_URL: nothing is sent, messages wait in the outbox, and the log says how to hand links over", async () => {
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  try {
    expect(await startMailDelivery(w.database, env({}))).toBeNull();
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/SMTP_URL is not set.*stay in the outbox \(1 waiting\).*Copy invitation link/));
  } finally {
    log.mockRestore();
  }
});
