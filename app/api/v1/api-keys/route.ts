// GET /api/v1/api-keys: the caller's own API keys (never a secret) · POST { name, scopes,
// expiresInDays? }: mint one within the caller's role, its full key answered once. For a signed-in
// person (the console's actor token); an API key cannot list or mint keys (FORBIDDEN).
import { apiHandler, json as jsonResponse } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

export const GET = apiHandler(async ({ core, principal }) => ({ data: await core.listApiKeys(principal) }));

export const POST = apiHandler(async ({ core, principal, json }) =>
  jsonResponse(await core.createApiKey(principal, await json()), 201),
);
