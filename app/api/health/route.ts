import { checkHealth } from "@/lib/health";

export const dynamic = "force-dynamic";

/** Liveness and readiness for load balancers: 200 when the database answers, else 503. */
export async function GET() {
  const health = await checkHealth();
  return Response.json(health, {
    status: health.ok ? 200 : 503,
    headers: { "cache-control": "no-store" },
  });
}
