// The JSON body guards: nesting is measured outside strings, and bodies are capped by their
// declared length and by what actually arrives.
import { describe, expect, it } from "vitest";
import { jsonDepthExceeds, MAX_BODY_BYTES, readJson } from "./body";

const post = (body: BodyInit, headers: Record<string, string> = { "content-type": "application/json" }) =>
  new Request("http://roster.test/x", { method: "POST", body, headers });

describe("jsonDepthExceeds", () => {
  it("counts arrays and objects, not brackets inside strings (escaped quotes included)", () => {
    expect(jsonDepthExceeds('{"a":[[1]]}', 3)).toBe(false);
    expect(jsonDepthExceeds('{"a":[[[1]]]}', 3)).toBe(true);
    expect(jsonDepthExceeds(JSON.stringify({ name: "[[[[[[{{{{\\\"[[[[" }), 1)).toBe(false);
    expect(jsonDepthExceeds("[".repeat(100_000), 32)).toBe(true);
  });
});

describe("readJson", () => {
  it("parses JSON; an empty body is undefined", async () => {
    expect(await readJson(post('{"a":1}'))).toEqual({ a: 1 });
    expect(await readJson(post(""))).toBeUndefined();
    expect(await readJson(post('{"a":1}', { "content-type": "application/merge-patch+json" }))).toEqual({ a: 1 });
  });

  it("refuses: over 1 MB (413), malformed or too deep (400), another content type (415)", async () => {
    const status = (p: Promise<unknown>) => p.then(() => 0, (e: { httpStatus: number }) => e.httpStatus);
    expect(await status(readJson(post("x".repeat(MAX_BODY_BYTES + 1))))).toBe(413);
    expect(await status(readJson(post(new TextEncoder().encode("{"), {})))).toBe(400);
    expect(await status(readJson(post(`${"[".repeat(33)}${"]".repeat(33)}`)))).toBe(400);
    expect(await status(readJson(post("a=1", { "content-type": "text/plain" })))).toBe(415);
  });
});
