"use server";

// The API keys page's server actions: thin wrappers over the core, which authorizes (your own
// keys only, scopes within your role) and audits.
import { authedAction } from "@/lib/auth/action";
import { userApi } from "@/lib/user-api";

export const createApiKeyAction = authedAction(async (p, input: unknown) => userApi().createApiKey(p, input));

export const revokeApiKeyAction = authedAction(async (p, id: unknown) => userApi().revokeApiKey(p, id));
