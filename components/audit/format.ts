import type { AuditEventDTO } from "@/lib/users/audit-log";

export interface ChangeLine {
  field: string;
  old: string;
  new: string;
}

const show = (v: unknown): string =>
  v === null || v === undefined ? "—" : typeof v === "object" ? JSON.stringify(v) : String(v);

/** The `{ field: { old, new } }` entries of an event's changes, as text. */
export function changeLines(e: Pick<AuditEventDTO, "changes">): ChangeLine[] {
  return Object.entries(e.changes ?? {})
    .filter(([, v]) => v !== null && typeof v === "object" && "old" in (v as object))
    .map(([field, v]) => {
      const { old, new: next } = v as { old: unknown; new: unknown };
      return { field, old: show(old), new: show(next) };
    });
}

/** Other details an event recorded (a mode, a format and filter, a provider). */
export function otherDetails(e: Pick<AuditEventDTO, "changes" | "outcome">): [string, string][] {
  const skip = new Set(changeLines(e).map((l) => l.field));
  if (e.outcome === "refused") ["code", "message"].forEach((k) => skip.add(k));
  return Object.entries(e.changes ?? {})
    .filter(([k]) => !skip.has(k))
    .map(([k, v]) => [k, show(v)]);
}

/** One line: "field: old → new; …", led by the refusal's code. */
export function describeChanges(e: Pick<AuditEventDTO, "changes" | "outcome">): string {
  const parts = changeLines(e).map((l) => `${l.field}: ${l.old} → ${l.new}`);
  if (e.outcome === "refused") parts.unshift(`refused (${String((e.changes as { code?: string } | null)?.code ?? "")})`);
  return parts.join("; ");
}

/** A stable time (UTC, so server and browser render the same text). */
export function formatTime(iso: string): string {
  return `${iso.slice(0, 16).replace("T", " ")} UTC`;
}

export function formatEventTotal(total: number, exact: boolean): string {
  if (exact) return `${total.toLocaleString("en-US")} ${total === 1 ? "event" : "events"}`;
  if (total <= 10_000) return "1,000+ events";
  return `about ${total.toLocaleString("en-US")} events`;
}
