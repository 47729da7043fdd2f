// GET /api/v1/audit-events: the organization's audit log, newest first, with the audit page's
// filters (actor, target, actorRole, action repeatable, outcome, from, to) and a keyset cursor.
import { apiHandler } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

export const GET = apiHandler(async ({ core, principal, query }) => core.auditEvents(principal, query()));
