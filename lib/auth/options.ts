import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { appUrl } from "../config";
import { getUsersCore } from "../users";
import { emailKey } from "../validation/users";
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

export const authOptions: NextAuthOptions = {
  secret: authSecret(),
  session: { strategy: "jwt", maxAge: SESSION_HOURS * 3600 },
  pages: { signIn: "/sign-in", error: "/sign-in" },
  providers: [
    CredentialsProvider({
      name: "Email",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        const email = typeof credentials?.email === "string" ? credentials.email : "";
        const ip = clientIp(req?.headers);
        const userAgent = typeof req?.headers?.["user-agent"] === "string" ? req.headers["user-agent"] : null;
        const core = await getUsersCore();
        const limiter = await signInLimiter();
        const allowed = await limiter.consume(emailKey(email).slice(0, 320), ip);
        if (!allowed) {
          // Same answer, after the same work, as a wrong password.
          await core.authenticate({ email: "", password: credentials?.password ?? "" });
          return null;
        }
        const who = await core.authenticate(
          { email, password: credentials?.password ?? "" },
          { ip, userAgent },
        );
        if (!who) return null;
        await limiter.clear(emailKey(email).slice(0, 320));
        return {
          id: who.userId,
          email: who.email,
          name: who.name,
          orgId: who.orgId,
          sessionVersion: who.sessionVersion,
        };
      },
    }),
  ],
  callbacks: {
    // The token carries only who and which session; role and status are read fresh per request.
    async jwt({ token, user }) {
      if (user) {
        const u = user as unknown as { id: string; orgId: string; sessionVersion: number };
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
