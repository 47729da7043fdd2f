// GET /api/v1/openapi.json: the API's OpenAPI 3.1 document, generated from the zod schemas.
import { apiHandler, json } from "@/lib/api/handler";
import { openApiDocument } from "@/lib/api/openapi";

export const dynamic = "force-dynamic";

export const GET = apiHandler(async () => json(openApiDocument(), 200, { "cache-control": "public, max-age=300" }), {
  public: true,
});
