import "server-only";
// userApi(): the console's one way to the user API. In-process by default; over HTTP to the
// REST API at USER_API_URL when it is set (the console and the API as two processes).
import { env } from "../config";
import { httpUserApi } from "./http";
import { inProcessUserApi } from "./in-process";
import type { UserApi } from "./types";

export type { UserApi, UserApiMethod } from "./types";
export { inProcessUserApi } from "./in-process";
export { httpUserApi } from "./http";

const globalForApi = globalThis as unknown as { __rosterUserApi?: UserApi };

/** The transport chosen by configuration, built once per process. */
export function userApi(): UserApi {
  if (globalForApi.__rosterUserApi) return globalForApi.__rosterUserApi;
  const url = env().USER_API_URL;
  globalForApi.__rosterUserApi = url ? httpUserApi({ baseUrl: url }) : inProcessUserApi();
  return globalForApi.__rosterUserApi;
}
