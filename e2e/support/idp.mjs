// A real OpenID Provider (node-oidc-provider) for the e2e run: `node e2e/support/idp.mjs`.
//
// One confidential client (authorization code + PKCE), an in-memory store, a fresh signing key
// per start, and a one-page login where the test types any email: the account's sub and email
// are what was typed, email_verified is true unless "Email verified" is unticked (or the address
// starts with "unverified"). Consent is granted without asking. Not for anything but tests.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import http from "node:http";
import Provider from "oidc-provider";

const PORT = Number(process.env.IDP_PORT ?? 3190);
const ISSUER = `http://127.0.0.1:${PORT}`;
const CLIENT_ID = process.env.IDP_CLIENT_ID ?? "roster-e2e";
const CLIENT_SECRET = process.env.IDP_CLIENT_SECRET ?? "roster-e2e-secret";
const REDIRECT_URI = process.env.IDP_REDIRECT_URI ?? "http://127.0.0.1:3100/api/auth/callback/oidc";

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: "jwk" }), kid: "e2e", use: "sig", alg: "RS256" };

// An account id carries what the login form said: "<email>" or "unverified:<email>".
const UNVERIFIED = "unverified:";

const provider = new Provider(ISSUER, {
  clients: [
    {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: [REDIRECT_URI],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  jwks: { keys: [signingKey] },
  cookies: {
    keys: [randomBytes(32).toString("hex")],
    // Plain http: SameSite=None cookies would be dropped by the browser.
    long: { httpOnly: true, sameSite: "lax", signed: true },
    short: { httpOnly: true, sameSite: "lax", signed: true },
  },
  pkce: { methods: ["S256"], required: () => true },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  async findAccount(_ctx, accountId) {
    const verified = !accountId.startsWith(UNVERIFIED);
    const email = verified ? accountId : accountId.slice(UNVERIFIED.length);
    return {
      accountId,
      async claims() {
        return { sub: accountId, email, email_verified: verified, name: email.split("@")[0] };
      },
    };
  },
  // The client is first-party: consent to what it asks for is taken as given.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope("openid email profile");
    await grant.save();
    return grant;
  },
  ttl: { Session: 600, Interaction: 600, Grant: 600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
});

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid, clientId) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test IdP: sign in</title></head>
<body>
<main>
<h1>Test IdP</h1>
<p>Sign in to continue to ${escapeHtml(clientId)}.</p>
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<p><label for="email">Email</label> <input id="email" name="email" type="email" required autofocus></p>
<p><label><input name="verified" type="checkbox" value="yes" checked> Email verified</label></p>
<p><button type="submit">Sign in</button></p>
</form>
</main>
</body></html>`;
}

async function readForm(req) {
  let body = "";
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10_000) throw new Error("form too large");
  }
  return new URLSearchParams(body);
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error("interaction mismatch");
  if (req.method === "GET" && !action) {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    res.end(loginPage(uid, details.params.client_id));
    return;
  }
  if (req.method === "POST" && action === "login") {
    const form = await readForm(req);
    const email = (form.get("email") ?? "").trim();
    if (!email) {
      res.writeHead(400, { "content-type": "text/plain" });
      res.end("email is required");
      return;
    }
    const verified = form.get("verified") === "yes" && !email.toLowerCase().startsWith("unverified");
    const accountId = verified ? email : `${UNVERIFIED}${email}`;
    await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
    return;
  }
  res.writeHead(405, { "content-type": "text/plain" });
  res.end("method not allowed");
}

const oidc = provider.callback();
const server = http.createServer((req, res) => {
  const match = /^\/interaction\/([\w-]+)(?:\/(login))?\/?$/.exec(new URL(req.url, ISSUER).pathname);
  if (!match) return oidc(req, res);
  interaction(req, res, match[1], match[2]).catch((err) => {
    console.error("[idp]", err);
    if (!res.headersSent) res.writeHead(400, { "content-type": "text/plain" });
    res.end(`interaction failed: ${err.message}`);
  });
});

provider.on("server_error", (_ctx, err) => console.error("[idp] server_error", err));

server.listen(PORT, "127.0.0.1", () => console.log(`[idp] OpenID Provider at ${ISSUER}`));

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
}
