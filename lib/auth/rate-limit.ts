import "server-only";
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from "rate-limiter-flexible";
import { env } from "../config";

// Sign-in attempts: per account (by normalized email, so case variants share one budget) and
// per client IP. A success clears the account's count and gives the IP back the point it took,
// so the IP budget counts failures only: many people signing in from one office (one NAT
// address) are never locked out by their own successes. In memory for one process; in Redis when REDIS_URL is set, so that several app
// instances share the counts.
export const ACCOUNT_LIMIT = { points: 5, duration: 15 * 60, blockDuration: 15 * 60 };
export const IP_LIMIT = { points: 50, duration: 15 * 60, blockDuration: 15 * 60 };

export interface SignInLimiter {
  /** Whether an attempt may proceed; every attempt counts until a success clears the account. */
  consume(emailKey: string, ip: string): Promise<boolean>;
  /** After a success: the account's count is cleared and the IP's point for this attempt returned. */
  clear(emailKey: string, ip?: string): Promise<void>;
  close(): Promise<void>;
}

export async function createSignInLimiter(
  opts: { redisUrl?: string; prefix?: string; account?: typeof ACCOUNT_LIMIT; ip?: typeof IP_LIMIT } = {},
): Promise<SignInLimiter> {
  const account = opts.account ?? ACCOUNT_LIMIT;
  const ipLimit = opts.ip ?? IP_LIMIT;
  const prefix = opts.prefix ?? "rl:signin";
  let limiters: { account: RateLimiterAbstract; ip: RateLimiterAbstract };
  let close = async () => {};
  if (opts.redisUrl) {
    const { default: Redis } = await import("ioredis");
    const storeClient = new Redis(opts.redisUrl, { maxRetriesPerRequest: 1 });
    storeClient.on("error", (err) => console.error("[roster] redis:", err.message));
    limiters = {
      // If Redis is down, each instance falls back to counting in memory rather than failing open.
      account: new RateLimiterRedis({ storeClient, keyPrefix: `${prefix}:acct`, ...account, insuranceLimiter: new RateLimiterMemory(account) }),
      ip: new RateLimiterRedis({ storeClient, keyPrefix: `${prefix}:ip`, ...ipLimit, insuranceLimiter: new RateLimiterMemory(ipLimit) }),
    };
    close = async () => {
      await storeClient.quit();
    };
  } else {
    limiters = {
      account: new RateLimiterMemory({ keyPrefix: `${prefix}:acct`, ...account }),
      ip: new RateLimiterMemory({ keyPrefix: `${prefix}:ip`, ...ipLimit }),
    };
  }
  return {
    async consume(emailKey, ip) {
      try {
        await Promise.all([limiters.account.consume(emailKey), limiters.ip.consume(ip)]);
        return true;
      } catch (res) {
        if (res instanceof Error) throw res;
        return false;
      }
    },
    async clear(emailKey, ip) {
      await limiters.account.delete(emailKey);
      if (ip) await limiters.ip.reward(ip, 1);
    },
    close,
  };
}

const g = globalThis as unknown as { __rosterSignInLimiter?: Promise<SignInLimiter> };

/** The app's limiter (one per process; shared through Redis when REDIS_URL is set). */
export function signInLimiter(): Promise<SignInLimiter> {
  g.__rosterSignInLimiter ??= createSignInLimiter({ redisUrl: env().REDIS_URL });
  return g.__rosterSignInLimiter;
}
