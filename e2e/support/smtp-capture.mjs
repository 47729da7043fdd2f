// An SMTP server that keeps every message it accepts, for the e2e run:
// `node e2e/support/smtp-capture.mjs`. The apps send to it (SMTP_URL); the tests read what
// arrived over HTTP: GET /messages?to=<address> answers the parsed messages to that address,
// oldest first ({ to, from, subject, text, html }). Not for anything but tests.
import http from "node:http";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

const SMTP_PORT = Number(process.env.SMTP_PORT ?? 3101);
const HTTP_PORT = Number(process.env.HTTP_PORT ?? 3102);

/** @type {{ to: string[], from: string, subject: string, text: string, html: string }[]} */
const messages = [];

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS", "AUTH"],
  logger: false,
  onData(stream, session, callback) {
    simpleParser(stream)
      .then((mail) => {
        messages.push({
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          subject: mail.subject ?? "",
          text: mail.text ?? "",
          html: typeof mail.html === "string" ? mail.html : "",
        });
        callback();
      })
      .catch(callback);
  },
});
smtp.listen(SMTP_PORT, "127.0.0.1", () => console.log(`[smtp-capture] SMTP on 127.0.0.1:${SMTP_PORT}`));

http
  .createServer((req, res) => {
    const url = new URL(req.url ?? "/", `http://127.0.0.1:${HTTP_PORT}`);
    if (url.pathname === "/health") {
      res.writeHead(200).end("ok");
    } else if (url.pathname === "/messages" && req.method === "GET") {
      const to = url.searchParams.get("to")?.toLowerCase();
      const found = to ? messages.filter((m) => m.to.includes(to)) : messages;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(found));
    } else {
      res.writeHead(404).end();
    }
  })
  .listen(HTTP_PORT, "127.0.0.1", () => console.log(`[smtp-capture] messages on http://127.0.0.1:${HTTP_PORT}/messages`));

for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
