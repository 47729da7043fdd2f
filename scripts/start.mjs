#!/usr/bin/env node
// `npm start`: builds the app if it has not been built yet, then serves it. The server itself
// applies migrations, seeds the demo organization on first start and prints how to sign in.
import { spawnSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";

process.env.NEXT_TELEMETRY_DISABLED = "1";
const port = process.env.PORT || "3000";
const next = "node_modules/next/dist/bin/next";

if (!existsSync(".next/BUILD_ID") || process.argv.includes("--rebuild")) {
  console.log("[roster] building the app (first start only; `npm start -- --rebuild` redoes it)…");
  const build = spawnSync(process.execPath, [next, "build"], { stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const server = spawn(process.execPath, [next, "start", "-p", port], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
