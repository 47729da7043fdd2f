import pg from "pg";
const orig = pg.Client.prototype.query as (...a: unknown[]) => unknown;
const log: [number, string][] = [];
let on = false;
(pg.Client.prototype as unknown as { query: unknown }).query = function (this: unknown, ...a: unknown[]) {
  const t = performance.now();
  const r = orig.apply(this, a) as Promise<unknown>;
  const text = typeof a[0] === "string" ? a[0] : (a[0] as { text?: string })?.text ?? "";
  if (on && r && typeof (r as Promise<unknown>).then === "function") (r as Promise<unknown>).then(() => log.push([performance.now() - t, text.slice(0, 90)]), () => {});
  return r;
};
process.argv.push("--engine", "postgres", "--sizes", "1000", "--runs", "1");
(globalThis as { __probe?: unknown }).__probe = { start: () => { on = true; log.length = 0; }, stop: () => { on = false; for (const [ms, q] of log) console.log(ms.toFixed(1).padStart(8), q.replace(/\s+/g, " ")); } };
await import("./bulk");
