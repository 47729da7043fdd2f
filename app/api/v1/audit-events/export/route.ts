// GET /api/v1/audit-events/export?format=csv|json|ndjson with the audit log's filters: streamed,
// and audited once as audit.exported.
import { apiHandler } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

export const GET = apiHandler(async ({ core, principal, query }) => {
  const { format, ...filter } = query();
  const file = await core.exportAuditEvents(principal, filter, format);
  return new Response(file.body, {
    headers: {
      "content-type": file.contentType,
      "content-disposition": `attachment; filename="${file.filename}"`,
    },
  });
});
