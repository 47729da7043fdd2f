// GET /api/v1/users/export?format=csv|json|ndjson with the list's filters: streamed.
import { apiHandler } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

export const GET = apiHandler(async ({ core, principal, query }) => {
  const { format, ...filter } = query();
  const file = await core.export(principal, filter, format);
  return new Response(file.body, {
    headers: {
      "content-type": file.contentType,
      "content-disposition": `attachment; filename="${file.filename}"`,
    },
  });
});
