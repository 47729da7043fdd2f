// The users page's URL state: one set of typed parsers, read by the server page and written by
// the client table (nuqs). A bad value parses to its default instead of erroring.
import {
  createLoader,
  createParser,
  createSerializer,
  parseAsBoolean,
  parseAsNativeArrayOf,
  parseAsNumberLiteral,
  parseAsString,
  parseAsStringLiteral,
} from "nuqs/server";
// No zod here (nor anything importing it): the users table loads these in the browser.
import { INVITATION_FILTERS, isCalendarDate, ROLES, STATUSES, USER_SORTS } from "./enums";

/** A calendar date (YYYY-MM-DD) kept as text; anything else parses to null. */
export const parseAsCalendarDate = createParser({
  parse: (v: string) => (isCalendarDate(v.trim()) ? v.trim() : null),
  serialize: (v: string) => v,
});

export const PAGE_SIZES = [10, 25, 50, 100] as const;

/** The longest search term the list accepts (listUsersQuerySchema's `q`, trimmed). */
export const SEARCH_MAX_LENGTH = 200;

/** A search term; a longer one than the list accepts is a bad parameter, so it reads as none. */
const parseAsSearch = createParser({
  parse: (v: string) => (v.trim().length <= SEARCH_MAX_LENGTH ? v : null),
  serialize: (v: string) => v,
});

export const usersSearchParams = {
  q: parseAsSearch.withDefault(""),
  status: parseAsNativeArrayOf(parseAsStringLiteral(STATUSES)),
  role: parseAsNativeArrayOf(parseAsStringLiteral(ROLES)),
  /** Activity filters the overview's figures link to. */
  invitation: parseAsStringLiteral(INVITATION_FILTERS),
  neverSignedIn: parseAsBoolean.withDefault(false),
  notSeenSince: parseAsCalendarDate,
  sort: parseAsStringLiteral(USER_SORTS).withDefault("name"),
  limit: parseAsNumberLiteral(PAGE_SIZES).withDefault(50),
  cursor: parseAsString,
  /** The user whose drawer is open. */
  user: parseAsString,
};

export const loadUsersSearchParams = createLoader(usersSearchParams);
export const serializeUsersSearchParams = createSerializer(usersSearchParams);

export type UsersSearchParams = Awaited<ReturnType<typeof loadUsersSearchParams>>;

/**
 * What the list shows depends on: every parameter but the open drawer, as a query string.
 * The server page hands its rows over with this key, and the table fetches `/users/rows` with
 * it when the URL's key differs (the filters change without a server render).
 */
export function usersListKey(params: UsersSearchParams): string {
  return serializeUsersSearchParams({ ...params, user: null });
}
