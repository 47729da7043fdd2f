import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/lib/auth/session";
import { openApiDocument } from "@/lib/api/openapi";

export const metadata: Metadata = { title: "API reference" };
export const dynamic = "force-dynamic";

type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  default?: unknown;
  description?: string;
  maxLength?: number;
};
type Param = { name: string; in: string; required?: boolean; description?: string; schema: Schema };
type Operation = {
  summary: string;
  description?: string;
  operationId: string;
  "x-required-scope": string;
  parameters?: Param[];
  requestBody?: { required: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
};
type Doc = {
  info: { title: string; description: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};

const refName = (ref: string) => ref.split("/").pop()!;

/** A short type label for a JSON Schema ("string", "admin | manager", "User[]", "User"). */
function typeOf(s: Schema | undefined): string {
  if (!s) return "any";
  if (s.$ref) return refName(s.$ref);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (s.anyOf) return s.anyOf.map(typeOf).join(" | ");
  if (s.oneOf) return s.oneOf.map(typeOf).join(" | ");
  if (s.type === "array") return `${typeOf(s.items)}[]`;
  if (Array.isArray(s.type)) return s.type.join(" | ");
  return s.type ?? "any";
}

function Fields({ schema, doc }: { schema: Schema; doc: Doc }) {
  const names = schema.oneOf ?? [schema];
  return (
    <>
      {names.map((s, i) => {
        const resolved = s.$ref ? doc.components.schemas[refName(s.$ref)]! : s;
        const props = Object.entries(resolved.properties ?? {});
        return (
          <div key={i} className="mt-2">
            {s.$ref ? <p className="text-sm font-medium">{names.length > 1 ? `Either ${refName(s.$ref)}:` : refName(s.$ref)}</p> : null}
            <table className="mt-1 w-full text-left text-sm">
              <thead>
                <tr className="border-b border-neutral-200 dark:border-neutral-800">
                  <th scope="col" className="py-1 pr-4 font-medium">Field</th>
                  <th scope="col" className="py-1 pr-4 font-medium">Type</th>
                  <th scope="col" className="py-1 font-medium">Notes</th>
                </tr>
              </thead>
              <tbody>
                {props.map(([name, p]) => (
                  <tr key={name} className="border-b border-neutral-100 align-top dark:border-neutral-900">
                    <td className="py-1 pr-4 font-mono text-xs">{name}</td>
                    <td className="py-1 pr-4 font-mono text-xs">{typeOf(p)}</td>
                    <td className="py-1 text-neutral-700 dark:text-neutral-300">
                      {[
                        resolved.required?.includes(name) ? "required" : null,
                        p.default !== undefined ? `default ${JSON.stringify(p.default)}` : null,
                        p.description ?? null,
                      ]
                        .filter(Boolean)
                        .join("; ")}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        );
      })}
    </>
  );
}

/** The REST API's reference, rendered from the same OpenAPI document that /api/v1/openapi.json serves. */
export default async function ApiReferencePage() {
  await requireUser();
  const doc = openApiDocument() as unknown as Doc;
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
  );
  return (
    <main className="max-w-4xl">
      <h1 className="text-2xl font-semibold tracking-tight">API reference</h1>
      <p className="mt-2 text-neutral-700 dark:text-neutral-300">{doc.info.description.replace(/`/g, "")}</p>
      <p className="mt-2 text-sm">
        Base URL <code>/api/v1</code> · machine-readable: <a className="underline" href="/api/v1/openapi.json">openapi.json</a> ·
        create a key in <Link className="underline" href="/settings/api-keys">API keys</Link>.
      </p>
      <nav aria-label="Operations" className="mt-6">
        <ul className="grid gap-1 text-sm sm:grid-cols-2">
          {ops.map(({ path, method, op }) => (
            <li key={op.operationId}>
              <a className="underline" href={`#${op.operationId}`}>
                <span className="font-mono text-xs">{method} {path}</span>
              </a>{" "}
              — {op.summary}
            </li>
          ))}
        </ul>
      </nav>
      {ops.map(({ path, method, op }) => (
        <section key={op.operationId} id={op.operationId} aria-labelledby={`${op.operationId}-h`} className="mt-10 border-t border-neutral-200 pt-6 dark:border-neutral-800">
          <h2 id={`${op.operationId}-h`} className="text-lg font-medium">
            {op.summary} <span className="ml-2 font-mono text-sm text-neutral-600 dark:text-neutral-400">{method} /api/v1{path}</span>
          </h2>
          <p className="mt-1 text-sm">Scope: <code>{op["x-required-scope"]}</code></p>
          {op.description ? <p className="mt-2 text-sm text-neutral-700 dark:text-neutral-300">{op.description.replace(/`/g, "")}</p> : null}
          {op.parameters?.length ? (
            <>
              <h3 className="mt-4 text-sm font-semibold">Parameters</h3>
              <table className="mt-1 w-full text-left text-sm">
                <thead>
                  <tr className="border-b border-neutral-200 dark:border-neutral-800">
                    <th scope="col" className="py-1 pr-4 font-medium">Name</th>
                    <th scope="col" className="py-1 pr-4 font-medium">In</th>
                    <th scope="col" className="py-1 pr-4 font-medium">Type</th>
                    <th scope="col" className="py-1 font-medium">Notes</th>
                  </tr>
                </thead>
                <tbody>
                  {op.parameters.map((p) => (
                    <tr key={`${p.in}-${p.name}`} className="border-b border-neutral-100 align-top dark:border-neutral-900">
                      <td className="py-1 pr-4 font-mono text-xs">{p.name}</td>
                      <td className="py-1 pr-4">{p.in}</td>
                      <td className="py-1 pr-4 font-mono text-xs">{typeOf(p.schema)}</td>
                      <td className="py-1 text-neutral-700 dark:text-neutral-300">{[p.required ? "required" : null, p.description].filter(Boolean).join("; ")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : null}
          {op.requestBody ? (
            <>
              <h3 className="mt-4 text-sm font-semibold">Request body (JSON{op.requestBody.required ? "" : ", optional"})</h3>
              <Fields schema={op.requestBody.content["application/json"]!.schema} doc={doc} />
            </>
          ) : null}
          <h3 className="mt-4 text-sm font-semibold">Responses</h3>
          <ul className="mt-1 space-y-0.5 text-sm">
            {Object.entries(op.responses).map(([status, r]) => (
              <li key={status}>
                <span className="font-mono text-xs">{status}</span> {r.description}
                {r.content?.["application/json"] ? <span className="font-mono text-xs"> → {typeOf(r.content["application/json"].schema)}</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </main>
  );
}
