import { connection } from "next/server";
import { getEnv } from "@/lib/env";

/**
 * Shown on every page while the portal talks to the simulated Docus: its "reports" are
 * generated, not interpretations, and results sent there never reach Docus.
 */
export async function SimulatorBanner() {
  // Decided by the running server's configuration, never by the build's.
  await connection();
  if (!getEnv().docusSimulated) return null;
  return (
    <div role="alert" className="bg-amber-300 px-4 py-2 text-center text-sm font-semibold text-amber-950">
      Simulated Docus: not for clinical use. Results are not sent to Docus and reports are generated test documents.
    </div>
  );
}
