// The OpenAPI document: valid OpenAPI 3.1 by a real validator, and true to the route files
// (every handler documented, nothing documented that has no handler).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { validate, compileErrors } from "@readme/openapi-parser";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "./openapi";

const root = path.resolve(import.meta.dirname, "../../app/api/v1");
// Routes that are not operations of the users API itself.
const UNDOCUMENTED = new Set(["/openapi.json"]);

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? routeFiles(path.join(dir, e.name)) : e.name === "route.ts" ? [path.join(dir, e.name)] : [],
  );
}

function handlers(): string[] {
  return routeFiles(root).flatMap((file) => {
    const route = `/${path.relative(root, path.dirname(file)).split(path.sep).join("/")}`.replace(/\[(\w+)\]/g, "{$1}");
    if (UNDOCUMENTED.has(route)) return [];
    const methods = [...readFileSync(file, "utf8").matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]!);
    return methods.map((m) => `${m.toLowerCase()} ${route}`);
  });
}

describe("the OpenAPI document", () => {
  const doc = openApiDocument() as {
    openapi: string;
    paths: Record<string, Record<string, { responses: Record<string, unknown>; "x-required-scope": string }>>;
    components: { schemas: Record<string, unknown> };
  };

  it("is valid OpenAPI 3.1", async () => {
    expect(doc.openapi).toBe("3.1.0");
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid, result.valid ? "" : compileErrors(result)).toBe(true);
  });

  it("(the validator does catch a broken document)", async () => {
    const broken = structuredClone(doc) as { paths: Record<string, Record<string, Record<string, unknown>>> };
    delete broken.paths["/users"]!.get!.responses;
    broken.paths["/users"]!.get!.parameters = [{ name: "x", in: "nowhere" }];
    expect((await validate(broken as never)).valid).toBe(false);
  });

  it("documents exactly the route handlers under app/api/v1", () => {
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    expect(documented.sort()).toEqual(handlers().sort());
  });

  it("every operation names its scope, its success and the error model", () => {
    for (const ops of Object.values(doc.paths)) {
      for (const op of Object.values(ops)) {
        expect(op["x-required-scope"]).toMatch(/^(users:read|users:write|users:delete|audit:read)$/);
        expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["401", "403", "429", "500"]));
      }
    }
  });

  it("its schemas come from the zod schemas (strict bodies, enums, the user DTO)", () => {
    const s = doc.components.schemas as Record<string, { additionalProperties?: boolean; properties: Record<string, { enum?: string[] }>; required?: string[] }>;
    expect(s.CreateUser!.additionalProperties).toBe(false);
    expect(s.CreateUser!.required).toEqual(["email"]);
    expect(s.CreateUser!.properties.inviteMode!.enum).toEqual(["email_link", "temporary_password", "none"]);
    expect(s.PatchUser!.properties.role!.enum).toEqual(["admin", "manager", "auditor", "member"]);
    expect(Object.keys(s.User!.properties)).toContain("version");
    expect(Object.keys(s.User!.properties)).not.toContain("passwordHash");
  });
});
