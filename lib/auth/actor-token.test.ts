// The actor token: what the console signs for the API, and everything the API refuses.
import { SignJWT, UnsecuredJWT } from "jose";
import { describe, expect, it } from "vitest";
import type { Principal } from "../users/types";
import {
  ACTOR_TOKEN_AUDIENCE,
  ACTOR_TOKEN_RE,
  ACTOR_TOKEN_ISSUER,
  actorFromRequest,
  signActorToken,
  verifyActorToken,
} from "./actor-token";

const secret = new TextEncoder().encode("s".repeat(48));
const other = new TextEncoder().encode("t".repeat(48));
const person: Principal = {
  kind: "session",
  userId: "7d3c1c0e-3c39-4e7e-9a51-0d7f2a1b9c11",
  orgId: "0a6f3c52-1f0b-4b65-8d3c-6a8c5f3e2d10",
  email: "ada@example.test",
  role: "manager",
  sessionVersion: 3,
  ip: "203.0.113.7",
  userAgent: "Mozilla/5.0 test",
};

const refused = { code: "UNAUTHENTICATED", message: "The actor token is invalid or expired" };

describe("actor tokens", () => {
  it("round-trips the acting person as a session principal (with ip and user agent)", async () => {
    const token = await signActorToken(person, { secret });
    expect(await verifyActorToken(token, { secret })).toEqual(person);
  });

  it("expires after 60 seconds", async () => {
    const now = new Date("2026-01-01T00:00:00Z");
    const token = await signActorToken(person, { secret, now });
    await expect(verifyActorToken(token, { secret, now: new Date(now.getTime() + 59_000) })).resolves.toMatchObject({ userId: person.userId });
    await expect(verifyActorToken(token, { secret, now: new Date(now.getTime() + 61_000) })).rejects.toMatchObject(refused);
  });

  it("refuses a token signed with another secret, a tampered one, garbage and an empty one", async () => {
    const token = await signActorToken(person, { secret });
    await expect(verifyActorToken(token, { secret: other })).rejects.toMatchObject(refused);
    const [h, p, s] = token.split(".");
    const claims = JSON.parse(Buffer.from(p!, "base64url").toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, role: "admin" })).toString("base64url");
    await expect(verifyActorToken(`${h}.${forged}.${s}`, { secret })).rejects.toMatchObject(refused);
    await expect(verifyActorToken("not.a.token", { secret })).rejects.toMatchObject(refused);
    await expect(verifyActorToken("", { secret })).rejects.toMatchObject(refused);
  });

  it("refuses alg none, a wrong issuer or audience, and a token lasting too long", async () => {
    const unsecured = new UnsecuredJWT({ org: person.orgId, sv: 3, email: person.email, role: "admin" })
      .setSubject(person.userId).setIssuer(ACTOR_TOKEN_ISSUER).setAudience(ACTOR_TOKEN_AUDIENCE).setIssuedAt().setExpirationTime("1m")
      .encode();
    await expect(verifyActorToken(unsecured, { secret })).rejects.toMatchObject(refused);
    const build = (iss: string, aud: string, exp: string) =>
      new SignJWT({ org: person.orgId, sv: 3, email: person.email, role: "manager" })
        .setProtectedHeader({ alg: "HS256" }).setSubject(person.userId).setIssuer(iss).setAudience(aud).setIssuedAt().setExpirationTime(exp)
        .sign(secret);
    await expect(verifyActorToken(await build("someone-else", ACTOR_TOKEN_AUDIENCE, "1m"), { secret })).rejects.toMatchObject(refused);
    await expect(verifyActorToken(await build(ACTOR_TOKEN_ISSUER, "another-api", "1m"), { secret })).rejects.toMatchObject(refused);
    // Valid signature, but it claims a day of life: older than the maximum age once a minute has passed.
    const longLived = await build(ACTOR_TOKEN_ISSUER, ACTOR_TOKEN_AUDIENCE, "1d");
    await expect(verifyActorToken(longLived, { secret, now: new Date(Date.now() + 120_000) })).rejects.toMatchObject(refused);
  });

  it("refuses claims of the wrong shape (a non-uuid subject, an unknown role, no session version)", async () => {
    const build = (claims: Record<string, unknown>, sub = person.userId) =>
      new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setSubject(sub).setIssuer(ACTOR_TOKEN_ISSUER)
        .setAudience(ACTOR_TOKEN_AUDIENCE).setIssuedAt().setExpirationTime("1m").sign(secret);
    const ok = { org: person.orgId, sv: 3, email: person.email, role: "manager" };
    await expect(verifyActorToken(await build(ok), { secret })).resolves.toMatchObject({ role: "manager" });
    await expect(verifyActorToken(await build(ok, "1 OR 1=1"), { secret })).rejects.toMatchObject(refused);
    await expect(verifyActorToken(await build({ ...ok, role: "owner" }), { secret })).rejects.toMatchObject(refused);
    await expect(verifyActorToken(await build({ ...ok, sv: undefined }), { secret })).rejects.toMatchObject(refused);
    await expect(verifyActorToken(await build({ ...ok, org: "x" }), { secret })).rejects.toMatchObject(refused);
  });

  it("is only for a session principal (never for an API key)", async () => {
    await expect(signActorToken({ ...person, kind: "api_key", apiKeyId: "k" }, { secret })).rejects.toThrow(/session/);
  });

  it("actorFromRequest: no bearer token, or an API key, is null (try a key); a bad JWT is UNAUTHENTICATED", async () => {
    const req = (authorization?: string) => new Request("http://api.test/", { headers: authorization ? { authorization } : {} });
    expect(await actorFromRequest(req())).toBeNull();
    expect(await actorFromRequest(req("Bearer rk_1a2b3c4d5e6f_secretsecret"))).toBeNull();
    const token = await signActorToken(person, { secret });
    expect(ACTOR_TOKEN_RE.test(token)).toBe(true);
    await expect(actorFromRequest(req(`Bearer ${token}`))).rejects.toMatchObject(refused); // signed with a test secret, not the app's
    await expect(actorFromRequest(req("Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln"))).rejects.toMatchObject(refused);
  });
});
