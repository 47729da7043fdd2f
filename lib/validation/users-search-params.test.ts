import { describe, expect, it } from "vitest";
import { listUsersQuerySchema } from "./users";
import { loadUsersSearchParams, SEARCH_MAX_LENGTH } from "./users-search-params";

const load = (query: string) => loadUsersSearchParams(new URLSearchParams(query));

describe("the users page's URL state", () => {
  it("reads the view from the URL", () => {
    expect(load("q=lovelace&status=active&status=invited&role=admin&sort=-created&limit=25")).toMatchObject({
      q: "lovelace",
      status: ["active", "invited"],
      role: ["admin"],
      sort: "-created",
      limit: 25,
    });
  });

  it("falls back to the defaults for bad parameters instead of erroring", () => {
    expect(load("status=nope&role=root&sort=password&limit=7")).toMatchObject({ q: "", status: [], role: [], sort: "name", limit: 50 });
  });

  it("reads a search term longer than the list accepts as no search (the list would refuse it)", () => {
    const longest = "a".repeat(SEARCH_MAX_LENGTH);
    const tooLong = longest + "a";
    expect(load(`q=${longest}`).q).toBe(longest);
    expect(listUsersQuerySchema.safeParse({ q: longest }).success).toBe(true);
    expect(load(`q=${tooLong}`).q).toBe("");
    expect(listUsersQuerySchema.safeParse({ q: tooLong }).success).toBe(false);
    // Surrounding spaces do not count, as the list trims them.
    expect(load(`q=${encodeURIComponent(`  ${longest}  `)}`).q).toBe(`  ${longest}  `);
  });
});
