import { describe, expect, it } from "vitest";
import { RosterError, toErrorBody } from "./errors";

describe("RosterError", () => {
  it("is recognized across copies of the module (bundles), by its global brand", () => {
    // What another bundle's RosterError looks like to this one: a different class, same brand.
    const foreign = Object.assign(new Error("The email is taken"), {
      [Symbol.for("roster.RosterError")]: true,
      code: "VALIDATION" as const,
      fields: { email: ["taken"] },
    });
    expect(foreign instanceof RosterError).toBe(true);
    expect(new Error("plain") instanceof RosterError).toBe(false);
    expect(toErrorBody(foreign, "req-1")).toEqual({
      code: "VALIDATION",
      message: "The email is taken",
      fields: { email: ["taken"] },
      requestId: "req-1",
    });
  });

  it("turns unknown errors into INTERNAL naming the request id, without details", () => {
    const body = toErrorBody(new Error("connection refused at 10.0.0.5"), "req-2");
    expect(body.code).toBe("INTERNAL");
    expect(body.message).toContain("req-2");
    expect(body.message).not.toContain("10.0.0.5");
  });
});
