import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { appUrl } from "../config";
import { getUsersCore } from "../users";
import { emailKey } from "../validation/users";
import { oidcProvider } from "./oidc";
import { signInLimiter } from "./rate-limit";
import { authSecret } from "./secret";

// next-auth takes its own URL from NEXTAUTH_URL; never from forwarded host headers.
process.env.NEXTAUTH_URL ??= appUrl();

const SESSION_HOURS = 12;

function clientIp(headers: Record<string, unknown> | undefined): string {
  const xff = headers?.["x-forwarded-for"];
  const first = typeof xff === "string" ? xff.split(",")[0]?.trim() : undefined;
  return first || (typeof headers?.["x-real-ip"] === "string" ? (headers["x-real-ip"] as string) : "unknown");
}

const credentials = CredentialsProvider({
  name: "Email",
  credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
  async authorize(input, req) {
    const email = typeof input?.email === "string" ? input.email : "";
    const ip = clientIp(req?.headers);
    const userAgent = typeof req?.headers?.["user-agent"] === "string" ? req.headers["user-agent"] : null;
    const core = await getUsersCore();
    const limiter = await signInLimiter();
    const key = emailKey(email).slice(0, 320);
    if (!(await limiter.consume(key, ip))) {
      // Same answer, after the same work, as a wrong password.
      await core.authenticate({ email: "", password: input?.password ?? "" });
      return null;
    }
    const who = await core.authenticate({ email, password: input?.password ?? "" }, { ip, userAgent });
    if (!who) return null;
    await limiter.clear(key, ip);
    return { id: who.userId, email: who.email, name: who.name, orgId: who.orgId, sessionVersion: who.sessionVersion };
  },
});

const oidc = oidcProvider();

export const authOptions: NextAuthOptions = {
  secret: authSecret(),
  session: { strategy: "jwt", maxAge: SESSION_HOURS * 3600 },
  pages: { signIn: "/sign-in", error: "/sign-in" },
  providers: oidc ? [credentials, oidc] : [credentials],
  callbacks: {
    // An identity provider's user gets in only as an existing, active account with that email.
    async signIn({ user, account }) {
      if (account?.provider !== "oidc") return true;
      const core = await getUsersCore();
      const who = await core.authenticateExternal({
        email: user.email,
        emailVerified: (user as { emailVerified?: unknown }).emailVerified,
        provider: "oidc",
      });
      if (!who) return "/sign-in?error=sso";
      // next-auth hands this same object to the jwt callback below.
      Object.assign(user, { id: who.userId, orgId: who.orgId, sessionVersion: who.sessionVersion });
      return true;
    },
    // The token carries only who and which session; role and status are read fresh per request.
    async jwt({ token, user }) {
      if (user) {
        const u = user as unknown as { id: string; orgId?: string; sessionVersion?: number };
        if (!u.orgId || typeof u.sessionVersion !== "number") throw new Error("sign-in without an account");
        token.uid = u.id;
        token.orgId = u.orgId;
        token.sv = u.sessionVersion;
      }
      return token;
    },
    async session({ session, token }) {
      return { ...session, uid: token.uid, orgId: token.orgId, sv: token.sv };
    },
  },
};
