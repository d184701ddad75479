import type { NextConfig } from "next";
import { parseEnv } from "./lib/env";
import { staticSecurityHeaders } from "./lib/security-headers";

// An upload may be MAX_UPLOAD_MB; leave room for Base64 growth and the form's own fields.
// The action itself refuses a file over the limit with a clear message.
const uploadBodyLimitMb = Math.ceil((parseEnv(process.env).MAX_UPLOAD_MB * 4) / 3) + 1;

const nextConfig: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // Native and WebAssembly packages are loaded by Node at run time, not bundled. So is
  // rate-limiter-flexible, which imports drizzle-orm by a computed name at run time (a
  // bundler cannot follow that), with drizzle-orm itself, so that both use one copy.
  // pdf.js's Node build (reading uploads' text) loads its worker module by a path at run time.
  serverExternalPackages: [
    "pdfjs-dist",
    "@electric-sql/pglite",
    "@node-rs/argon2",
    "postgres",
    "rate-limiter-flexible",
    "drizzle-orm",
    // One logger and one metrics registry per process (kept on globalThis): loaded by Node
    // like the front server loads them, never bundled into each module graph.
    "pino",
    "prom-client",
  ],
  experimental: {
    // Enables forbidden() / unauthorized() and their pages.
    authInterrupts: true,
    serverActions: { bodySizeLimit: `${uploadBodyLimitMb}mb` },
  },
  async headers() {
    return [{ source: "/:path*", headers: [...staticSecurityHeaders] }];
  },
};

export default nextConfig;
