import "server-only";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { env } from "../config";

// Requests per API key (or per person, for the BFF's actor tokens) per minute: in memory for
// one process, in Redis when REDIS_URL is set so that several app instances share the budget.

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the budget is whole again (Retry-After when refused). */
  resetSeconds: number;
}

export interface ApiLimiter {
  consume(key: string): Promise<RateDecision>;
  close(): Promise<void>;
}

export async function createApiLimiter(opts: { perMinute: number; redisUrl?: string; prefix?: string }): Promise<ApiLimiter> {
  const options = { points: opts.perMinute, duration: 60, keyPrefix: opts.prefix ?? "rl:api" };
  let limiter: RateLimiterAbstract;
  let close = async () => {};
  if (opts.redisUrl) {
    const { default: Redis } = await import("ioredis");
    const storeClient = new Redis(opts.redisUrl, { maxRetriesPerRequest: 1 });
    storeClient.on("error", (err) => console.error("[roster] redis:", err.message));
    // If Redis is down, count in memory rather than failing open.
    limiter = new RateLimiterRedis({ storeClient, ...options, insuranceLimiter: new RateLimiterMemory(options) });
    close = async () => {
      await storeClient.quit();
    };
  } else {
    limiter = new RateLimiterMemory(options);
  }
  const decision = (res: RateLimiterRes, allowed: boolean): RateDecision => ({
    allowed,
    limit: opts.perMinute,
    remaining: Math.max(0, res.remainingPoints),
    resetSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
  });
  return {
    async consume(key) {
      try {
        return decision(await limiter.consume(key), true);
      } catch (res) {
        if (res instanceof RateLimiterRes) return decision(res, false);
        throw res;
      }
    },
    close,
  };
}

const g = globalThis as unknown as { __rosterApiLimiter?: Promise<ApiLimiter> };

/** The app's API limiter (API_RATE_LIMIT_PER_MINUTE per key; shared through Redis with REDIS_URL). */
export function apiLimiter(): Promise<ApiLimiter> {
  const e = env();
  g.__rosterApiLimiter ??= createApiLimiter({ perMinute: e.API_RATE_LIMIT_PER_MINUTE, redisUrl: e.REDIS_URL });
  return g.__rosterApiLimiter;
}
