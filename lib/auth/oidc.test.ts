import { describe, expect, it } from "vitest";
import { env } from "../config";
import { oidcProvider } from "./oidc";

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
});
