// The export's memory in the real server: a production `next start` (the project's own .next:
// run `npx next build` first) on PGlite, its RSS idle (signed in, after a few searches) and
// while it streams an export of the whole organization through GET /users/export. It only
// prints. See bench/README.md ("the server").
//
//   npm run bench:export-server -- [N users (20000)] [data dir (/tmp/roster-export-server-N)] [port (3113)] [format (csv)]
//
// The data dir holds the PGlite database in DIR/db (seeded with seedLarge once, reused).
import { spawn, execSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { chromium } from "@playwright/test";
import { eq } from "drizzle-orm";
import { openDatabase } from "../lib/db/client";
import { users } from "../lib/db/schema";
import { hashPassword } from "../lib/security/passwords";
import { activeAdmin, ensureSeeded, orgIdOf, sleep, load } from "./lib";

const N = Number(process.argv[2] ?? 20000);
const dataDir = process.argv[3] ?? `/tmp/roster-export-server-${N}`;
const port = Number(process.argv[4] ?? 3113);
const format = process.argv[5] ?? "csv";
const extraNodeArgs = (process.env.SRV_NODE_ARGS ?? "").split(" ").filter(Boolean);

function descendants(pid: number): number[] {
  const out = execSync(`ps -eo pid=,ppid=`).toString().trim().split("\n").map((l) => l.trim().split(/\s+/).map(Number));
  const kids = (p: number): number[] => out.filter(([, pp]) => pp === p).flatMap(([c]) => [c!, ...kids(c!)]);
  return [pid, ...kids(pid)];
}
const status = (pid: number) => {
  try {
    const s = readFileSync(`/proc/${pid}/status`, "utf8");
    return { rss: Number(/VmRSS:\s+(\d+)/.exec(s)![1]) / 1024, hwm: Number(/VmHWM:\s+(\d+)/.exec(s)![1]) / 1024, name: /Name:\s+(.*)/.exec(s)![1] };
  } catch { return null; }
};

async function main() {
  console.log(`bench:export-server — ${N} users, ${format}, node ${process.version}, ${new Date().toISOString()}, ${load()}`);
  const password = `bench-${randomBytes(9).toString("base64url")}`;
  const d = await openDatabase({ kind: "pglite", dataDir: `${dataDir}/db` });
  await ensureSeeded(d.db, N, "large");
  const orgId = await orgIdOf(d.db, "large");
  const { admin } = await activeAdmin(d.db, orgId, "large");
  await d.db.update(users).set({ passwordHash: await hashPassword(password), mustChangePassword: false }).where(eq(users.id, admin.id));
  await d.close();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...extraNodeArgs, "node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", "127.0.0.1"], {
    env: {
      ...process.env, NEXT_TELEMETRY_DISABLED: "1", ROSTER_DATA_DIR: dataDir, APP_URL: url, AUTH_SECRET: randomBytes(32).toString("base64url"),
      ROSTER_SEED: "none", PORT: String(port), DATABASE_URL: "", NODE_OPTIONS: process.env.SRV_NODE_OPTIONS ?? "",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  try {
    for (;;) { try { if ((await fetch(`${url}/api/health`)).ok) break; } catch {} await sleep(250); }
    const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
    const ctx = await browser.newContext({ baseURL: url });
    const page = await ctx.newPage();
    await page.goto("/sign-in");
    await page.getByRole("textbox", { name: "Email" }).fill(admin.email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((u) => !u.pathname.startsWith("/sign-in"), { timeout: 60_000 });
    await page.goto("/users");
    await page.getByRole("table", { name: "Users" }).waitFor();
    const cookie = (await ctx.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    await browser.close();
    // Warm: a few lists and a small export.
    for (let i = 0; i < 5; i++) await (await fetch(`${url}/users?q=lovelace`, { headers: { cookie, RSC: "1" } })).arrayBuffer();
    await sleep(2000);
    const pids = descendants(child.pid!);
    const procs = pids.map((p) => ({ p, s: status(p) })).filter((x) => x.s);
    console.log("processes:", procs.map((x) => `${x.p} ${x.s!.name} rss ${x.s!.rss.toFixed(0)} hwm ${x.s!.hwm.toFixed(0)}`).join("; "));
    const server = procs.sort((a, b) => b.s!.rss - a.s!.rss)[0]!.p;
    const idle = status(server)!;
    console.log(`idle server (pid ${server}) after sign-in and 5 searches: RSS ${idle.rss.toFixed(0)} MB (high-water so far ${idle.hwm.toFixed(0)} MB) [${load()}]`);
    let peak = idle.rss;
    const sampler = setInterval(() => { const s = status(server); if (s) peak = Math.max(peak, s.rss); }, 20);
    const t0 = performance.now();
    const res = await fetch(`${url}/users/export?format=${format}`, { headers: { cookie } });
    if (!res.ok) throw new Error(`export: ${res.status} ${await res.text()}`);
    let bytes = 0, lines = 0;
    const reader = res.body!.getReader();
    for (;;) { const { done, value } = await reader.read(); if (done) break; bytes += value.byteLength; for (let i = value.indexOf(10); i !== -1; i = value.indexOf(10, i + 1)) lines++; }
    const ms = performance.now() - t0;
    clearInterval(sampler);
    const after = status(server)!;
    console.log(`export ${format}: ${lines} lines, ${(bytes / 1048576).toFixed(0)} MB in ${(ms / 1000).toFixed(1)} s = ${Math.round(lines / (ms / 1000))} rows/s; server RSS peak (sampled) ${peak.toFixed(0)} MB, VmHWM ${after.hwm.toFixed(0)} MB, after ${after.rss.toFixed(0)} MB; growth over idle +${(peak - idle.rss).toFixed(0)} MB [${load()}]`);
  } finally {
    child.kill("SIGTERM");
    await sleep(1500);
    for (const p of descendants(child.pid!)) try { process.kill(p, "SIGKILL"); } catch {}
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
