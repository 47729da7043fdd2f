// CSV cells, shared by the users export (server) and the bulk results download (browser).

/**
 * Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return before one) as
 * a formula: `=HYPERLINK(...)` in a name would become a live link (SECURITY.md 24). Such a cell
 * gets a leading single quote, which spreadsheets show as text; so does one where white space
 * comes before those characters, since some spreadsheets trim it away first.
 */
const FORMULA_START = /^[\s]*[=+\-@]|^[\t\r]/;

/** One CSV cell: neutralized, then quoted as RFC 4180 says when it holds " , CR or LF. */
export function csvCell(value: string | boolean | null): string {
  if (value === null) return "";
  let s = String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
