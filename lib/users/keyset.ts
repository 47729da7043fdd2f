import "server-only";
// Keyset paging shared by the users list and the audit log: opaque cursors (base64url JSON of
// the position's sort key as text, its id, a direction and whatever else the reader pins), the
// one refusal for a cursor the API did not give out, and the window a page read with one row
// extra becomes (which way more rows lie, reversed when read backward).
import type { z } from "zod";
import { pgErrorCode, RosterError } from "./errors";

export type CursorDir = "n" | "p";

export const invalidCursor = () =>
  new RosterError("VALIDATION", "cursor is not valid; start again from the first page", {
    cursor: ["Not a cursor this API gave out"],
  });

export function encodeCursor(parts: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(parts)).toString("base64url");
}

/** The cursor's parts as `schema` reads them, or VALIDATION. */
export function decodeCursor<S extends z.ZodType>(cursor: string, schema: S): z.output<S> {
  try {
    return schema.parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
  } catch {
    throw invalidCursor();
  }
}

/** A forged key that the database cannot read as its type (data exception, class 22) is a bad cursor. */
export function badKeyIsInvalidCursor(hasCursor: boolean) {
  return (err: unknown): never => {
    if (hasCursor && pgErrorCode(err)?.startsWith("22")) throw invalidCursor();
    throw err;
  };
}

/**
 * The page of `limit` rows out of `rows` (read with one extra, in reading order), in display
 * order, and whether there are rows before and after it. `dir` is the cursor's direction, or
 * null on the first page.
 */
export function pageWindow<T>(rows: readonly T[], limit: number, dir: CursorDir | null) {
  const backward = dir === "p";
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  if (backward) page.reverse();
  return {
    page,
    first: page[0],
    last: page[page.length - 1],
    hasNext: backward ? true : more,
    hasPrev: backward ? more : dir !== null,
  };
}
