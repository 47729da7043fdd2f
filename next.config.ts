import type { NextConfig } from "next";
import { isHttpsUrl, staticSecurityHeaders } from "./lib/security/headers";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Native and WASM packages stay outside the bundle and load from node_modules.
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "pg", "nodemailer"],
  async headers() {
    return [{ source: "/:path*", headers: staticSecurityHeaders(isHttpsUrl(process.env.APP_URL)) }];
  },
  experimental: {
    serverActions: { bodySizeLimit: "1mb" },
  },
};

export default nextConfig;
