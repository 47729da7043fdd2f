// The audit page's URL state: typed parsers read once by the server page and written by the
// client table (nuqs). A bad value parses to its default; the core validates again.
import {
  createLoader,
  createSerializer,
  parseAsNativeArrayOf,
  parseAsNumberLiteral,
  parseAsString,
  parseAsStringLiteral,
} from "nuqs/server";
import { ROLES } from "./enums";
import { AUDIT_OUTCOMES, AUDIT_PAGE_SIZES, auditActionSchema } from "./audit";
import { parseAsCalendarDate } from "./users-search-params";

export const auditSearchParams = {
  actor: parseAsString.withDefault(""),
  target: parseAsString.withDefault(""),
  actorRole: parseAsStringLiteral(ROLES),
  action: parseAsNativeArrayOf(parseAsString),
  outcome: parseAsStringLiteral(AUDIT_OUTCOMES),
  /** Calendar days (UTC), both included. */
  from: parseAsCalendarDate,
  to: parseAsCalendarDate,
  limit: parseAsNumberLiteral(AUDIT_PAGE_SIZES).withDefault(50),
  cursor: parseAsString,
};

export const loadAuditSearchParams = createLoader(auditSearchParams);
export const serializeAuditSearchParams = createSerializer(auditSearchParams);

/** The core's query (and the export's) for parsed URL state: empty values left out. */
export function auditQueryOf(p: {
  actor: string;
  target: string;
  actorRole: string | null;
  action: string[];
  outcome: string | null;
  from: string | null;
  to: string | null;
}) {
  return {
    actor: p.actor.trim() || undefined,
    target: p.target.trim() || undefined,
    actorRole: p.actorRole ?? undefined,
    action: p.action.filter((a) => auditActionSchema.safeParse(a).success),
    outcome: p.outcome ?? undefined,
    from: p.from ?? undefined,
    to: p.to ?? undefined,
  };
}
