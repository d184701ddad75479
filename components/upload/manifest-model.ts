import {
  sortProblems,
  type ManifestCheck,
  type ManifestCheckResult,
  type ManifestFileResult,
  type ManifestProblem,
  type ManifestRow,
} from "@/lib/manifest";

/** Where one row of a batch stands while it is sent. */
export type RowProgress = { phase: "waiting" } | { phase: "uploading" } | { phase: "done"; result: ManifestFileResult };

/** The check as the page shows it: the browser's at once, then the server's. */
export type CheckView = {
  problems: ManifestProblem[];
  ready: ManifestRow[];
  patientCount: number;
  /** "pending": the server's check has not answered yet; sending waits for it. */
  server: "pending" | "done" | { error: string };
};

/** Problems only the browser can find: those of the files' bytes, which the server sees only when each is sent. */
const byteProblemCodes = new Set(["not_pdf", "encrypted", "truncated", "empty", "too_large"]);

/**
 * The server's answer joined with the browser's byte checks: the server's list (it reran
 * every other check, with the database), the byte problems it could not see, and the rows
 * both found ready.
 */
export function mergeChecks(client: ManifestCheck, server: ManifestCheckResult): CheckView {
  if (server.status !== "success")
    return { problems: client.problems, ready: [], patientCount: 0, server: { error: server.message } };
  const seen = new Set(server.problems.map((p) => `${p.code}|${p.line}|${p.fileName ?? ""}`));
  const problems = sortProblems([
    ...server.problems,
    ...client.problems.filter(
      (p) => byteProblemCodes.has(p.code) && !seen.has(`${p.code}|${p.line}|${p.fileName ?? ""}`),
    ),
  ]);
  const serverReady = new Set(server.readyLines);
  const ready = client.ready.filter((row) => serverReady.has(row.line));
  return { problems, ready, patientCount: new Set(ready.map((r) => r.patientId)).size, server: "done" };
}
