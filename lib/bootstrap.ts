import "server-only";
import { appUrl, env } from "./config";
import { getDatabase } from "./db/client";
import { startEmbeddedMaintenance } from "./db/maintenance";
import { seedDemo } from "./db/seed";

/**
 * Start-up: validate configuration, open the database (which applies migrations), seed the
 * demo organization on an empty database, and say how to sign in.
 */
export async function bootstrap(): Promise<void> {
  const e = env();
  const database = await getDatabase();
  console.log(`[roster] database: ${database.kind} (${database.location}), schema up to date`);
  const result =
    e.ROSTER_SEED === "none"
      ? null
      : await seedDemo(database.db, {
          adminEmail: e.ROSTER_ADMIN_EMAIL,
          adminPassword: e.ROSTER_ADMIN_PASSWORD,
        });
  await startEmbeddedMaintenance(database);
  if (!result) return;
  const url = appUrl(e);
  if (result.seeded) {
    const generated = result.admin.password !== null;
    console.log(
      [
        "",
        "  Roster is ready, with a demo organization (Acme).",
        `  Open ${url} and sign in as:`,
        `    email:    ${result.admin.email}`,
        `    password: ${result.admin.password ?? "the value of ROSTER_ADMIN_PASSWORD"}`,
        `  The same password works for ${result.others.join(", ")}.`,
        generated
          ? "  This password is shown only once; set ROSTER_ADMIN_PASSWORD before the first start to choose your own."
          : "",
        "",
      ].join("\n"),
    );
  } else {
    console.log(
      `[roster] ready at ${url}; sign in as ${result.admin.email} (password as printed on first start)`,
    );
  }
}
