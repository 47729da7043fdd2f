// The users page's URL state: one set of typed parsers, read by the server page and written by
// the client table (nuqs). A bad value parses to its default instead of erroring.
import {
  createLoader,
  createSerializer,
  parseAsNativeArrayOf,
  parseAsNumberLiteral,
  parseAsString,
  parseAsStringLiteral,
} from "nuqs/server";
import { ROLES, STATUSES, USER_SORTS } from "./enums";

export const PAGE_SIZES = [10, 25, 50, 100] as const;

export const usersSearchParams = {
  q: parseAsString.withDefault(""),
  status: parseAsNativeArrayOf(parseAsStringLiteral(STATUSES)),
  role: parseAsNativeArrayOf(parseAsStringLiteral(ROLES)),
  sort: parseAsStringLiteral(USER_SORTS).withDefault("name"),
  limit: parseAsNumberLiteral(PAGE_SIZES).withDefault(50),
  cursor: parseAsString,
  /** The user whose drawer is open. */
  user: parseAsString,
};

export const loadUsersSearchParams = createLoader(usersSearchParams);
export const serializeUsersSearchParams = createSerializer(usersSearchParams);
