import { describe, expect, it } from "vitest";
import { placeFieldErrors } from "./server-errors";

type Values = { name: string; scopes: string[]; password: string };

function recorder() {
  const calls: [string, string, boolean][] = [];
  const setError = ((name: string, error: { message?: string }, opts?: { shouldFocus?: boolean }) => {
    calls.push([name, error.message ?? "", !!opts?.shouldFocus]);
  }) as never;
  return { calls, setError };
}

describe("placeFieldErrors", () => {
  it("puts each named field's first message on it, in the order named, and says it did", () => {
    const { calls, setError } = recorder();
    const placed = placeFieldErrors<Values>(setError, { password: ["Too short", "Too common"], name: ["Required"] }, ["name", "scopes", "password"]);
    expect(placed).toBe(true);
    expect(calls).toEqual([["name", "Required", false], ["password", "Too short", false]]);
  });

  it("a nested key counts for its field; with focus, only the first field placed takes it", () => {
    const { calls, setError } = recorder();
    placeFieldErrors<Values>(setError, { "scopes.1": ["Unknown scope"], password: ["Too short"] }, ["scopes", "password"], { focus: true });
    expect(calls).toEqual([["scopes", "Unknown scope", true], ["password", "Too short", false]]);
  });

  it("fields the form does not have, or none at all: nothing placed (the caller shows the form's message)", () => {
    const { calls, setError } = recorder();
    expect(placeFieldErrors<Values>(setError, { expectedVersion: ["Stale"] }, ["name", "password"])).toBe(false);
    expect(placeFieldErrors<Values>(setError, undefined, ["name"])).toBe(false);
    expect(calls).toEqual([]);
  });
});
