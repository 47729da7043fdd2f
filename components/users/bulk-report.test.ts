// The bulk dialog's logic: chunked runs (progress, failures that do not stop the rest, a refusal
// that does), the summary, retryable rows, and the CSV report (formula cells neutralized).
import { describe, expect, it } from "vitest";
import type { BulkItemResult } from "@/lib/users/types";
import { actionTitle, describeRow, resultsCsv, retryable, runChunks, summarize, type Send } from "./bulk-report";

const rows = (n: number): BulkItemResult[] => Array.from({ length: n }, (_, i) => ({ input: `u${i}@a.test`, outcome: "deleted" }));

async function collect(base: BulkItemResult[], indexes: number[], send: Send, size: number) {
  const out = [...base];
  const progress: number[] = [];
  const sent: string[][] = [];
  await runChunks(base, indexes, async (items) => { sent.push(items); return send(items); }, (updates, done) => {
    for (const [i, r] of updates) out[i] = r;
    progress.push(done);
  }, size);
  return { out, progress, sent };
}

describe("runChunks", () => {
  it("sends only the rows asked for, in chunks, and puts each answer at its row", async () => {
    const base = rows(7);
    const { out, progress, sent } = await collect(base, [0, 2, 3, 5, 6], async (items) => ({ ok: true, data: items.map((input) => ({ input, outcome: "not_found" as const })) }), 2);
    expect(sent).toEqual([["u0@a.test", "u2@a.test"], ["u3@a.test", "u5@a.test"], ["u6@a.test"]]);
    expect(progress).toEqual([2, 4, 5]);
    expect(out.map((r) => r.outcome)).toEqual(["not_found", "deleted", "not_found", "not_found", "deleted", "not_found", "not_found"]);
  });

  it("a request that fails marks its rows failed and the next chunks still go", async () => {
    let n = 0;
    const { out, sent } = await collect(rows(5), [0, 1, 2, 3, 4], async (items) => {
      if (n++ === 1) throw new TypeError("Failed to fetch");
      return { ok: true, data: items.map((input) => ({ input, outcome: "deleted" as const })) };
    }, 2);
    expect(sent).toHaveLength(3);
    expect(out.map((r) => [r.outcome, r.code ?? null])).toEqual([["deleted", null], ["deleted", null], ["failed", "INTERNAL"], ["failed", "INTERNAL"], ["deleted", null]]);
    expect(out[2]!.message).toMatch(/may or may not have been changed/);
    expect(out.filter(retryable).map((r) => r.input)).toEqual(["u2@a.test", "u3@a.test"]);
  });

  it("FORBIDDEN stops the run: the rest are not sent and say why", async () => {
    const { out, sent } = await collect(rows(5), [0, 1, 2, 3, 4], async () => ({ ok: false, error: { code: "FORBIDDEN", message: "Admins only" } }), 2);
    expect(sent).toHaveLength(1);
    expect(out.map((r) => r.code)).toEqual(["FORBIDDEN", "FORBIDDEN", "FORBIDDEN", "FORBIDDEN", "FORBIDDEN"]);
    expect(out[4]!.message).toBe("Not sent: Admins only");
  });
});

describe("the report", () => {
  const report: BulkItemResult[] = [
    { input: "a@a.test", userId: "1", email: "a@a.test", outcome: "deleted" },
    { input: "=HYPERLINK(\"http://x\")", outcome: "failed", code: "VALIDATION", message: "Not a valid email address" },
    { input: "me@a.test", userId: "2", email: "me@a.test", outcome: "skipped", code: "SELF_ACTION", message: "You cannot do this to your own account" },
    { input: "x@a.test", outcome: "not_found", code: "NOT_FOUND", message: "No such user, in your organization" },
  ];

  it("summarizes outcomes and names the count", () => {
    expect(summarize(report)).toBe("1 deleted, 1 skipped, 1 not found, 1 failed");
    expect(actionTitle("delete", 3)).toBe("Delete 3 users");
    expect(actionTitle("deactivate", 1)).toBe("Deactivate 1 user");
    expect(actionTitle("role", 2)).toBe("Change role of 2 users");
    expect(retryable(report[1]!)).toBe(false); // an invalid input would fail again
  });

  it("says what will happen, and why not", () => {
    expect(describeRow({ ...report[0]!, effects: { apiKeys: 2, invitations: 1 } }, "delete", "preview")).toEqual({
      label: "Will be deleted",
      detail: "With it: 2 API keys deleted, 1 pending invitation deleted, sessions end",
    });
    expect(describeRow(report[2]!, "delete", "preview").label).toBe("Blocked: Yourself");
    expect(describeRow({ input: "x", outcome: "updated" }, "role", "preview", "manager").label).toBe("Will become manager");
  });

  it("CSV: a header, one line per row in order, formula cells neutralized, quoted when needed", () => {
    const csv = resultsCsv(report);
    expect(csv.startsWith("\uFEFFrow,input,userId,email,outcome,code,message\r\n")).toBe(true);
    const lines = csv.slice(1).trimEnd().split("\r\n");
    expect(lines).toHaveLength(5);
    expect(lines[1]).toBe("1,a@a.test,1,a@a.test,deleted,,");
    expect(lines[2]).toBe(`2,"'=HYPERLINK(""http://x"")",,,failed,VALIDATION,Not a valid email address`);
    expect(lines[4]).toBe(`4,x@a.test,,,not_found,NOT_FOUND,"No such user, in your organization"`);
  });
});
