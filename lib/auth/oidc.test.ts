import { describe, expect, it, vi } from "vitest";
import { env } from "../config";
import { oidcProvider, userinfoClaims } from "./oidc";

describe("the optional OIDC provider", () => {
  it("is off unless OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are all set", () => {
    expect(oidcProvider(env({}))).toBeNull();
    expect(() => env({ OIDC_ISSUER: "https://id.example.com" })).toThrow(/OIDC_CLIENT_ID and OIDC_CLIENT_SECRET/);
  });

  it("discovers the issuer, asks for email, and checks PKCE and state", () => {
    const p = oidcProvider(env({ OIDC_ISSUER: "https://id.example.com/realms/acme/", OIDC_CLIENT_ID: "roster", OIDC_CLIENT_SECRET: "s3cret", OIDC_NAME: "Acme SSO" })) as unknown as Record<string, unknown>;
    expect(p).toMatchObject({
      id: "oidc",
      name: "Acme SSO",
      wellKnown: "https://id.example.com/realms/acme/.well-known/openid-configuration",
      clientId: "roster",
      idToken: true,
      checks: ["pkce", "state"],
      authorization: { params: { scope: "openid email profile" } },
    });
    const profile = (p.profile as (x: object) => object)({ sub: "abc", email: "ada@acme.example", name: "Ada", email_verified: true });
    expect(profile).toEqual({ id: "abc", email: "ada@acme.example", name: "Ada", emailVerified: true });
  });

  it("reads the person's claims from UserInfo too, not only from the ID token", async () => {
    const p = oidcProvider(env({ OIDC_ISSUER: "https://id.example.com", OIDC_CLIENT_ID: "roster", OIDC_CLIENT_SECRET: "s3cret" })) as unknown as Record<string, unknown>;
    expect(p.userinfo).toEqual({ request: userinfoClaims });
    // A spec-following provider's ID token in the code flow: sub, but no email.
    const tokens = { access_token: "at", claims: () => ({ sub: "abc", iss: "https://id.example.com" }) };
    const userinfo = vi.fn(async () => ({ sub: "abc", email: "ada@acme.example", email_verified: true }));
    const client = { issuer: { metadata: { userinfo_endpoint: "https://id.example.com/me" } }, userinfo };
    const request = userinfoClaims as unknown as (ctx: object) => Promise<object>;
    expect(await request({ client, tokens })).toEqual({ sub: "abc", iss: "https://id.example.com", email: "ada@acme.example", email_verified: true });
    expect(userinfo).toHaveBeenCalledWith(tokens); // the token set, so openid-client checks sub

    // A provider without a UserInfo endpoint: the ID token's claims alone.
    const bare = { issuer: { metadata: {} }, userinfo };
    expect(await request({ client: bare, tokens })).toEqual({ sub: "abc", iss: "https://id.example.com" });
    expect(userinfo).toHaveBeenCalledTimes(1);
  });
});
