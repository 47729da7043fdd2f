import "server-only";
import { RosterError } from "../users/errors";

// Reading a JSON request body defensively (SECURITY 22): a body over the limit is refused by its
// declared length before it is read, or as soon as the stream passes the limit; JSON nested
// deeper than any request of this API needs is refused by a linear scan before it is parsed.

export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_JSON_DEPTH = 32;

/** A request the API could not read at all: the HTTP status is its own (400, 413, 415). */
export class BodyError extends RosterError {
  // RosterError's brand check would make every RosterError "a BodyError"; narrow it.
  static [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof RosterError && typeof (value as { httpStatus?: unknown }).httpStatus === "number";
  }

  constructor(
    readonly httpStatus: 400 | 413 | 415,
    message: string,
  ) {
    super("VALIDATION", message, { body: [message] });
  }
}

async function readCapped(request: Request, max: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > max) throw tooLarge();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder("utf-8", { fatal: false }).decode(Buffer.concat(chunks));
}

const tooLarge = () => new BodyError(413, `The request body is over ${MAX_BODY_BYTES / 1024 / 1024} MB`);

/** The deepest nesting of arrays and objects in a JSON text, stopping once past `limit`. */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return false;
}

/**
 * The request's JSON body, or `undefined` when it has none. Refuses a non-JSON content type
 * (415), a body over 1 MB (413), and malformed or absurdly nested JSON (400).
 */
export async function readJson(request: Request): Promise<unknown> {
  const type = request.headers.get("content-type");
  const text = await readCapped(request, MAX_BODY_BYTES);
  if (text.trim() === "") return undefined;
  if (type && !/^application\/([\w.+-]*\+)?json\b/i.test(type)) {
    throw new BodyError(415, "Send the request body as application/json");
  }
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
    throw new BodyError(400, `The request body is nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new BodyError(400, "The request body is not valid JSON");
  }
}
