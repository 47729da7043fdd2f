import "server-only";
// The users export: every user of the caller's org that the list's filter matches (all pages,
// not only the visible one), as CSV, JSON or NDJSON, streamed with constant memory. The stream
// reads the list's keyset pages in batches, one batch per pull, so a consumer that reads slowly
// (a slow download) holds back the database reads instead of filling memory.
import type { SQL } from "drizzle-orm";
import { z } from "zod";
import type { UserRow } from "../db/schema";
import { PROFILE_FIELDS, type ExportFormat, type UserSort } from "../validation/enums";
import { exportFormatSchema, exportUsersQuerySchema } from "../validation/users";
import { audit, latestInvitations, read, toUserDTO, type CoreDeps, type InvitationRow } from "./context";
import { csvCell } from "../csv";
import { parseInput } from "./errors";
import { keysetPage, searchPlan, userFromJson, type MatchesSource } from "./list";
import type { InvitationState, Principal, UserDTO } from "./types";

/** Rows per database read. Memory holds about two batches (one being sent, one read ahead). */
export const EXPORT_BATCH_SIZE = 1000;

/** The exported columns, in order: CSV header names and JSON keys alike (the API's field names). */
export const EXPORT_COLUMNS = [
  "id",
  "email",
  "name",
  "role",
  "status",
  "invitationState",
  "isDeveloper",
  ...PROFILE_FIELDS,
  "lastLoginAt",
  "createdAt",
  "updatedAt",
  "deactivatedAt",
] as const;
export type ExportColumn = (typeof EXPORT_COLUMNS)[number];
/** One exported user: the UserDTO's fields, with the latest invitation reduced to its state. */
export type ExportedUser = Pick<UserDTO, Exclude<ExportColumn, "invitationState">> & {
  invitationState: InvitationState | null;
};

export interface ExportFile {
  filename: string;
  contentType: string;
  body: ReadableStream<Uint8Array>;
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8; header=present",
  json: "application/json; charset=utf-8",
  ndjson: "application/x-ndjson; charset=utf-8",
};

/**
 * Exports the users the filter matches. Authorizes "users:export" (a refusal is audited), writes
 * one "users.exported" event with the filter and format before any row is read, and returns the
 * file as a stream. `limit` and `cursor` in the query are ignored: an export is every page.
 *
 * The stream is not a snapshot: each batch is its own statement (holding one transaction open for
 * the length of a download would pin a connection, and on PGlite block every other request), so
 * a user created, deleted or re-sorted (renamed under a name sort) during a long export may be
 * missed or, if moved past the read position, appear twice. Sort by `created` for a stable walk.
 */
export async function exportUsers(
  deps: CoreDeps,
  principal: Principal,
  query: unknown,
  format: unknown,
): Promise<ExportFile> {
  const filter = parseInput(exportUsersQuerySchema, query ?? {});
  const { format: fmt } = parseInput(z.object({ format: exportFormatSchema }), { format: format ?? undefined });
  return read(
    deps,
    principal,
    "users:export",
    async (db, actor) => {
      const now = deps.now();
      await audit(
        db,
        actor,
        { action: "users.exported", changes: { format: fmt, filter: definedOnly(filter) } },
        now,
      );
      // Read as the list reads its pages: a substring with few matches reads them first.
      const plan = await searchPlan(db, actor.orgId, filter, filter.sort, deps.config.searchMatchesFirstBelow, now);
      return {
        filename: `roster-users-${now.toISOString().slice(0, 10)}.${fmt}`,
        contentType: CONTENT_TYPES[fmt],
        body: exportStream(deps, plan.parts, filter.sort, fmt, plan.matches),
      };
    },
    "users.exported",
  );
}

function definedOnly(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== ""));
}

/**
 * The rows of the filter in batches, encoded as `format`. A batch is encoded only when the
 * consumer asks for more (pull, with no queue: highWaterMark 0), and the next batch is read
 * from the database meanwhile, so the database and the encoding overlap while memory holds at
 * most one batch being sent and one read ahead, whatever the size of the export.
 */
function exportStream(
  deps: CoreDeps,
  where: SQL[],
  sort: UserSort,
  format: ExportFormat,
  matches: MatchesSource | null,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const writer = FORMATS[format];
  const readBatch = async (after: [string, string] | null) => {
    const rows = await keysetPage(deps.db, where, sort, { after, limit: EXPORT_BATCH_SIZE, matches });
    const invited = rows.filter((r) => r.status === "invited").map((r) => r.id);
    return { rows, invitations: await latestInvitations(deps.db, invited) };
  };
  let ahead: ReturnType<typeof readBatch> | null = null;
  let started = false;
  let cancelled = false;
  let rowsSent = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { rows, invitations } = await (ahead ?? readBatch(null));
          ahead = null;
          // The consumer went away (download aborted) while this batch was being read.
          if (cancelled) return;
          const last = rows[rows.length - 1];
          const done = rows.length < EXPORT_BATCH_SIZE || !last;
          if (!done) {
            ahead = readBatch([last.sortKey, last.id]);
            // Handled here so that a failure after a cancel is no unhandled rejection; the next
            // pull still sees it.
            ahead.catch(() => {});
          }
          const now = deps.now();
          let text = started ? "" : writer.start;
          started = true;
          // Each row's objects are built here and dropped at once: the batch is held as texts
          // (KeysetRow in list.ts says why).
          for (const r of rows) {
            text += writer.row(exportedUser(userFromJson(r.json), invitations.get(r.id), now), rowsSent === 0);
            rowsSent++;
          }
          if (done) text += writer.end(rowsSent);
          if (text) controller.enqueue(encoder.encode(text));
          if (done) controller.close();
        } catch (err) {
          if (cancelled) return;
          // The response is already under way: all the client can see is a cut-off file (a JSON
          // array that does not parse, a CSV without its last rows). The details go to the log.
          console.error(`[roster] users export failed after ${rowsSent} rows:`, err);
          controller.error(err);
        }
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
}

function exportedUser(row: UserRow, invitation: InvitationRow | undefined, now: Date): ExportedUser {
  const dto = toUserDTO(row, invitation, now);
  return {
    id: dto.id,
    email: dto.email,
    name: dto.name,
    role: dto.role,
    status: dto.status,
    invitationState: dto.invitation?.state ?? null,
    isDeveloper: dto.isDeveloper,
    login: dto.login,
    firstName: dto.firstName,
    lastName: dto.lastName,
    company: dto.company,
    phone: dto.phone,
    address: dto.address,
    postalCode: dto.postalCode,
    city: dto.city,
    state: dto.state,
    country: dto.country,
    lastLoginAt: dto.lastLoginAt,
    createdAt: dto.createdAt,
    updatedAt: dto.updatedAt,
    deactivatedAt: dto.deactivatedAt,
  };
}

interface Writer {
  /** Written before the first row (also when there is none). */
  start: string;
  row: (u: ExportedUser, first: boolean) => string;
  end: (rows: number) => string;
}

const FORMATS: Record<ExportFormat, Writer> = {
  // A UTF-8 byte-order mark first: without it Excel reads the file as the system's legacy code
  // page and mangles every non-ASCII name. CRLF line ends, as RFC 4180 writes them.
  csv: {
    start: "\uFEFF" + EXPORT_COLUMNS.join(",") + "\r\n",
    // Built by concatenation, not `map(csvCell).join(",")`: with an array per row the CSV
    // export's heap on PGlite at 1M users peaked at 137–144 MB (RSS 337–345 MB, over the 300 MB
    // goal), against 65 MB (RSS 257–266 MB) this way (bench/README.md, session 7).
    row: (u) => {
      let line = csvCell(u[EXPORT_COLUMNS[0]]);
      for (let i = 1; i < EXPORT_COLUMNS.length; i++) line += "," + csvCell(u[EXPORT_COLUMNS[i]!]);
      return line + "\r\n";
    },
    end: () => "",
  },
  // One array, an element per line; "[]" when nothing matches.
  json: {
    start: "[",
    row: (u, first) => (first ? "\n" : ",\n") + JSON.stringify(u),
    end: (rows) => (rows ? "\n]\n" : "]\n"),
  },
  ndjson: {
    start: "",
    row: (u) => JSON.stringify(u) + "\n",
    end: () => "",
  },
};

// csvCell lives in lib/csv.ts (no server-only): the bulk results download in the browser uses it too.
export { csvCell };
