import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { emailKey } from "../validation/users";
import { createSignInLimiter, type SignInLimiter } from "./rate-limit";

const open: SignInLimiter[] = [];
afterAll(async () => {
  await Promise.all(open.map((l) => l.close()));
});
const make = async (opts: Parameters<typeof createSignInLimiter>[0] = {}) => {
  const l = await createSignInLimiter(opts);
  open.push(l);
  return l;
};

describe("sign-in rate limiting", () => {
  it("allows 5 attempts per account, whatever the case and spacing of the email, then refuses", async () => {
    const limiter = await make({ prefix: `t-${randomBytes(4).toString("hex")}` });
    const variants = ["Bob@Example.com", "bob@example.com ", " BOB@EXAMPLE.COM", "bob@Example.COM", "bOb@example.com", "bob@example.com"];
    const answers = [];
    for (const [i, v] of variants.entries()) answers.push(await limiter.consume(emailKey(v), `10.0.0.${i}`));
    expect(answers).toEqual([true, true, true, true, true, false]);
    // Another account from the same addresses is unaffected.
    expect(await limiter.consume(emailKey("alice@example.com"), "10.0.0.1")).toBe(true);
  });

  it("a success clears the account's count", async () => {
    const limiter = await make({ prefix: `t-${randomBytes(4).toString("hex")}` });
    for (let i = 0; i < 4; i++) await limiter.consume("carol@example.com", "10.0.1.1");
    await limiter.clear("carol@example.com");
    for (let i = 0; i < 5; i++) expect(await limiter.consume("carol@example.com", "10.0.1.1")).toBe(true);
    expect(await limiter.consume("carol@example.com", "10.0.1.1")).toBe(false);
  });

  it("limits one IP across many accounts (credential stuffing)", async () => {
    const limiter = await make({ prefix: `t-${randomBytes(4).toString("hex")}`, ip: { points: 3, duration: 60, blockDuration: 60 } });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await limiter.consume(`user${i}@example.com`, "203.0.113.9"));
    expect(answers).toEqual([true, true, true, false]);
  });

  it("the IP budget counts failures only: successes give their point back", async () => {
    const limiter = await make({ prefix: `t-${randomBytes(4).toString("hex")}`, ip: { points: 3, duration: 60, blockDuration: 60 } });
    const ip = "198.51.100.7";
    // Ten people behind one address sign in successfully: none is refused.
    for (let i = 0; i < 10; i++) {
      expect(await limiter.consume(`ok${i}@example.com`, ip)).toBe(true);
      await limiter.clear(`ok${i}@example.com`, ip);
    }
    // Failures still add up: three wrong passwords, then the address is refused.
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await limiter.consume(`bad${i}@example.com`, ip));
    expect(answers).toEqual([true, true, true, false]);
  });

  it("shares the counts between app instances through Redis", async () => {
    const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
    const prefix = `t-${randomBytes(4).toString("hex")}`;
    const a = await make({ redisUrl, prefix });
    const b = await make({ redisUrl, prefix });
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await (i % 2 ? b : a).consume("dave@example.com", `10.0.2.${i}`));
    expect(answers).toEqual([true, true, true, true, true, false]);
  });
});
