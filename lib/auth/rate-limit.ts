import "server-only";
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from "rate-limiter-flexible";
import { env } from "../config";

// Sign-in attempts: per account (by normalized email, so case variants share one budget) and
// per client IP. In memory for one process; in Redis when REDIS_URL is set, so that several app
// instances share the counts.
const ACCOUNT = { points: 5, duration: 15 * 60, blockDuration: 15 * 60 };
const IP = { points: 50, duration: 15 * 60, blockDuration: 15 * 60 };

interface Limiters {
  account: RateLimiterAbstract;
  ip: RateLimiterAbstract;
}

const g = globalThis as unknown as { __rosterLimiters?: Limiters };

async function limiters(): Promise<Limiters> {
  if (g.__rosterLimiters) return g.__rosterLimiters;
  const url = env().REDIS_URL;
  if (url) {
    const { default: Redis } = await import("ioredis");
    const storeClient = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    storeClient.on("error", (err) => console.error("[roster] redis:", err.message));
    g.__rosterLimiters = {
      account: new RateLimiterRedis({ storeClient, keyPrefix: "rl:signin:acct", ...ACCOUNT, insuranceLimiter: new RateLimiterMemory(ACCOUNT) }),
      ip: new RateLimiterRedis({ storeClient, keyPrefix: "rl:signin:ip", ...IP, insuranceLimiter: new RateLimiterMemory(IP) }),
    };
  } else {
    g.__rosterLimiters = {
      account: new RateLimiterMemory({ keyPrefix: "acct", ...ACCOUNT }),
      ip: new RateLimiterMemory({ keyPrefix: "ip", ...IP }),
    };
  }
  return g.__rosterLimiters;
}

/** Whether a sign-in attempt may proceed; every attempt counts (failures are reset on success). */
export async function consumeSignInAttempt(emailKey: string, ip: string): Promise<boolean> {
  const l = await limiters();
  try {
    await Promise.all([l.account.consume(emailKey), l.ip.consume(ip)]);
    return true;
  } catch (res) {
    if (res instanceof Error) throw res;
    return false;
  }
}

export async function clearSignInAttempts(emailKey: string): Promise<void> {
  const l = await limiters();
  await l.account.delete(emailKey);
}
