import type { Provider } from "next-auth/providers/index";
import type { UserinfoEndpointHandler } from "next-auth/providers/oauth";
import { env, type Env } from "../config";

type UserinfoRequest = NonNullable<UserinfoEndpointHandler["request"]>;
type OidcClient = Parameters<UserinfoRequest>[0]["client"];
/** openid-client's TokenSet, which next-auth hands over (its own type has no claims()). */
type OidcTokenSet = Exclude<Parameters<OidcClient["userinfo"]>[0], string>;

/**
 * The person's claims: the verified ID token's, and over them the UserInfo endpoint's. In the
 * code flow an identity provider may send the email scope's claims only from UserInfo (OIDC
 * Core 5.4; node-oidc-provider does); openid-client checks that UserInfo's sub is the token's.
 */
export const userinfoClaims: UserinfoRequest = async ({ client, tokens }) => {
  const tokenSet = tokens as OidcTokenSet;
  const claims = tokenSet.claims();
  if (!client.issuer.metadata.userinfo_endpoint || !tokenSet.access_token) return claims;
  return { ...claims, ...(await client.userinfo(tokenSet)) };
};

/** The OIDC provider, when OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are set. */
export function oidcProvider(e: Env = env()): Provider | null {
  if (!e.OIDC_ISSUER || !e.OIDC_CLIENT_ID || !e.OIDC_CLIENT_SECRET) return null;
  return {
    id: "oidc",
    name: e.OIDC_NAME,
    type: "oauth",
    wellKnown: `${e.OIDC_ISSUER.replace(/\/+$/, "")}/.well-known/openid-configuration`,
    clientId: e.OIDC_CLIENT_ID,
    clientSecret: e.OIDC_CLIENT_SECRET,
    authorization: { params: { scope: "openid email profile" } },
    idToken: true,
    userinfo: { request: userinfoClaims },
    checks: ["pkce", "state"],
    profile(profile: { sub: string; email?: string; name?: string; email_verified?: boolean }) {
      return { id: profile.sub, email: profile.email ?? null, name: profile.name ?? null, emailVerified: profile.email_verified };
    },
  } as Provider;
}
