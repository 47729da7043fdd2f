// Runs once when the server starts, before it serves requests.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const { bootstrap } = await import("./lib/bootstrap");
  await bootstrap();
  // The email outbox's sender (SMTP_URL), in this process; stopped on SIGTERM/SIGINT.
  const [{ startMailDelivery }, { getDatabase }] = await Promise.all([
    import("./lib/mail/delivery"),
    import("./lib/db/client"),
  ]);
  await startMailDelivery(await getDatabase());
}
