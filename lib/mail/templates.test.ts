import { describe, expect, it } from "vitest";
import { escapeHtml, formatExpiry, renderMail } from "./templates";

const payload = {
  link: "http://roster.test/invite/abc_DEF-123",
  orgName: "Acme",
  inviterName: "Avery Admin",
  inviterEmail: "admin@acme.example",
  recipientName: "Nia",
  role: "auditor",
  expiresAt: "2026-11-29T20:05:00.000Z",
};

describe("email templates", () => {
  it("an invitation names the org, the inviter, the role, the link and the expiry, as text and HTML", () => {
    const m = renderMail("invitation", payload);
    expect(m.subject).toBe("Avery Admin invited you to Acme on Roster");
    for (const part of ["Hello Nia,", "Avery Admin (admin@acme.example) invited you to join Acme on Roster as an auditor.", payload.link, "expires on Sunday, 29 November 2026, 20:05 UTC"]) {
      expect(m.text).toContain(part);
      expect(m.html).toContain(escapeHtml(part));
    }
    expect(m.html).toContain(`<a href="${payload.link}"`);
  });

  it("a password reset says the old password no longer works", () => {
    const m = renderMail("password_reset", { ...payload, recipientName: "" });
    expect(m.subject).toBe("Choose a new password for Acme on Roster");
    expect(m.text).toMatch(/^Hello,\n/);
    expect(m.text).toContain("Your previous password no longer works");
    expect(m.text).toContain(payload.link);
  });

  it("hostile names are text: escaped in HTML, and no line breaks in the subject (SECURITY 24)", () => {
    const m = renderMail("invitation", {
      ...payload,
      orgName: `Evil\r\nBcc: victim@x.test`,
      inviterName: `<img src=x onerror=alert(1)>`,
      recipientName: `"><script>alert(1)</script>`,
    });
    expect(m.subject).toBe("<img src=x onerror=alert(1)> invited you to Evil Bcc: victim@x.test on Roster");
    expect(m.subject).not.toMatch(/[\r\n]/);
    expect(m.html).not.toMatch(/<img|<script/);
    expect(m.html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(m.html).toContain("&quot;&gt;&lt;script&gt;");
  });

  it("refuses a payload it cannot trust: a non-http link, a missing field, an unknown template", () => {
    expect(() => renderMail("invitation", { ...payload, link: "javascript:alert(1)" })).toThrow();
    expect(() => renderMail("invitation", { ...payload, expiresAt: undefined })).toThrow();
    expect(() => renderMail("newsletter", payload)).toThrow(/Unknown email template/);
  });

  it("formats the expiry in UTC, whatever the server's zone", () => {
    expect(formatExpiry("2026-01-02T03:04:00Z")).toBe("Friday, 2 January 2026, 03:04 UTC");
  });
});
