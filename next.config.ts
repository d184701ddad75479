import type { NextConfig } from "next";
import { parseMaxUploadMb } from "./lib/env";
import { serverActionsBodyLimit } from "./lib/request";
import { secretLinkHeaders, staticSecurityHeaders } from "./lib/security-headers";

// An upload may be MAX_UPLOAD_MB (the front server works this out again at run time from
// the built configuration: scripts/lib/portal-server.ts).
const uploadBodyLimit = serverActionsBodyLimit(parseMaxUploadMb(process.env));

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // The build type-checks the project, unless it was just done with the same route types
  // (`npm test` runs `npm run typecheck`, which is `next typegen` and `tsc`, then builds with
  // BUILD_TYPECHECKED=1: scripts/check-build-secrets.ts --typechecked); every other build checks.
  typescript: { ignoreBuildErrors: process.env.BUILD_TYPECHECKED === "1" },
  reactStrictMode: true,
  // Native and WebAssembly packages are loaded by Node at run time, not bundled. So is
  // rate-limiter-flexible, which imports drizzle-orm by a computed name at run time (a
  // bundler cannot follow that), with drizzle-orm itself, so that both use one copy.
  // pdf.js's Node build (reading uploads' text) loads its worker module by a path at run time.
  // Untrusted files are parsed in worker threads (lib/parse-worker): piscina starts them from
  // its own files, and they load lib/parse-worker/worker.ts with Node at run time.
  // Medplum's HL7 and FHIR libraries (the exports) run as Node packages: the HL7 client uses
  // node:net and brings its own copy of @medplum/core.
  serverExternalPackages: [
    "@medplum/core",
    "@medplum/hl7",
    "pdfjs-dist",
    "piscina",
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
  // The parse worker is not imported by any bundled module: trace it and what it loads.
  outputFileTracingIncludes: {
    "/**": [
      "./lib/parse-worker/*.ts",
      "./node_modules/pdfjs-dist/legacy/build/**",
      "./node_modules/read-excel-file/**",
      "./node_modules/fflate/**",
    ],
  },
  experimental: {
    // Enables forbidden() / unauthorized() and their pages.
    authInterrupts: true,
    serverActions: { bodySizeLimit: uploadBodyLimit },
  },
  async headers() {
    // Of two rules that set one header, the later wins: the secret-link rules come last.
    return [{ source: "/:path*", headers: [...staticSecurityHeaders] }, ...secretLinkHeaders];
  },
};

export default nextConfig;
