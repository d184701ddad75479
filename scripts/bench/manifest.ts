import { createHash } from "node:crypto";
import Papa from "papaparse";
import { sql } from "drizzle-orm";
import { describeDroppedFile } from "@/components/upload/manifest-files";
import { createLab } from "@/db/queries/labs";
import { patients } from "@/db/schema";
import { checkManifestForLab } from "@/lib/uploads/manifest";
import { checkManifest, parseManifestFile, type ManifestFile } from "@/lib/manifest";
import { checkPdf } from "@/lib/pdf/check";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { positiveInt, runBenchmark } from "./lib/harness";
import { largeLabResultPdf } from "./lib/pdf";
import { median, ms, table, verdict } from "./lib/report";
import { smokeOr } from "./lib/smoke";

/**
 * `npm run bench:manifest`: the whole check of a 200-row manifest with its 200 PDFs, as the
 * Upload page and its server action do it (parse the CSV, read, hash and check every PDF,
 * every row and cross-row check, then the server's parse, checks and two database
 * queries), against a bare baseline doing the same work in the same run (papaparse,
 * Node's SHA-256 and the server's PDF check per file, map look-ups, the same two queries as
 * plain SQL, no messages). Aim: within 3 s. Prints figures; never fails on time.
 * MANIFEST_ROWS (200), MANIFEST_PDF_KB (300), MANIFEST_RUNS (7).
 */

// `--smoke`: 20 rows of 30 KB PDFs, one run, no aim (scripts/bench/lib/smoke.ts).
const ROWS = positiveInt("MANIFEST_ROWS", smokeOr(200, 20), 1000);
const PDF_KB = positiveInt("MANIFEST_PDF_KB", smokeOr(300, 30), 20 * 1024);
const RUNS = positiveInt("MANIFEST_RUNS", smokeOr(7, 1), 50);
const AIM_MS = 3000;
const MAX_UPLOAD_MB = 20;

type Input = { csv: string; files: File[] };

function manifestCsv(rows: number, run: string): string {
  const lines = ["file_name,patient_id,given_name,family_name,birth_date,sex,accession_number,mode,notes"];
  for (let i = 0; i < rows; i++) {
    // Four files per patient; every other patient exists in the lab already.
    const p = Math.floor(i / 4);
    lines.push(
      `r${i}-${run}.pdf,P-${p},Given${p},Family${p},1970-01-${String((p % 28) + 1).padStart(2, "0")},female,ACC-${p},interpret,`,
    );
  }
  return lines.join("\n");
}

/** The page's check and the server action's, end to end. */
async function portalCheck(db: TestDb, labId: string, input: Input): Promise<number> {
  const manifest = new File([input.csv], "manifest.csv", { type: "text/csv" });
  const [parsed, infos] = await Promise.all([
    parseManifestFile(manifest),
    Promise.all(input.files.map((f) => describeDroppedFile(f, MAX_UPLOAD_MB))),
  ]);
  const client = checkManifest(parsed, infos, { defaultMode: "interpret" });
  // The server parses the manifest again, from the bytes it received.
  const server = await checkManifestForLab(
    db.db,
    { userId: "bench", role: "technician", labIds: [labId], labId },
    await parseManifestFile(manifest),
    infos,
    {
      defaultMode: "interpret",
      maxUploadMb: MAX_UPLOAD_MB,
    },
  );
  return client.problems.length + server.problems.length;
}

/** The same work with nothing but the libraries and plain SQL. */
async function baselineCheck(db: TestDb, labId: string, input: Input): Promise<number> {
  const rows = Papa.parse<Record<string, string>>(input.csv, { header: true, skipEmptyLines: true }).data;
  const infos: ManifestFile[] = await Promise.all(
    input.files.map(async (f) => {
      const bytes = new Uint8Array(await f.arrayBuffer());
      const check = checkPdf(bytes, f.name);
      return {
        name: f.name,
        size: f.size,
        sha256: createHash("sha256").update(bytes).digest("hex"),
        problem: check.ok ? null : { code: check.problem === "empty" ? "empty" : "not_pdf", message: check.message },
      };
    }),
  );
  const byName = new Map(infos.map((f) => [f.name, f]));
  let problems = 0;
  const firstOf = new Map<string, Record<string, string>>();
  for (const row of rows) {
    if (!byName.has(row.file_name!) || byName.get(row.file_name!)!.problem) problems++;
    const first = firstOf.get(row.patient_id!);
    if (!first) firstOf.set(row.patient_id!, row);
    else if (first.given_name !== row.given_name || first.birth_date !== row.birth_date) problems++;
  }
  const ids = [...firstOf.keys()];
  const accessions = [...new Set(rows.map((r) => r.accession_number!))];
  const idList = sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  );
  const accList = sql.join(
    accessions.map((a) => sql`${a}`),
    sql`, `,
  );
  const [existing, earlier] = await Promise.all([
    db.db.execute(
      sql`select patient_id, given_name, family_name, birth_date, sex from patients where lab_id = ${labId} and patient_id in (${idList})`,
    ),
    db.db.execute(
      sql`select lr.accession_number, d.file_name, d.sha256 from lab_results lr join documents d on d.id = lr.document_id where lr.lab_id = ${labId} and lr.accession_number in (${accList}) and lr.status <> 'cancelled'`,
    ),
  ]);
  const count = (r: unknown) => (Array.isArray(r) ? r.length : ((r as { rows: unknown[] }).rows?.length ?? 0));
  return problems + count(existing) + count(earlier);
}

process.exitCode = await runBenchmark(async (cleanup) => {
  const started = Date.now();
  const db = await createTestDb();
  cleanup.add("drop the benchmark database", () => db.close());
  const labId = (await createLab(db.db, { name: "Manifest bench lab", partnerLabId: "manifest-bench" })).id;
  // Half the patients exist already, so that the server's look-up finds something.
  const patientCount = Math.ceil(ROWS / 4);
  await db.db.insert(patients).values(
    Array.from({ length: patientCount }, (_, p) => p)
      .filter((p) => p % 2 === 0)
      .map((p) => ({
        labId,
        patientId: `P-${p}`,
        givenName: `Given${p}`,
        familyName: `Family${p}`,
        birthDate: `1970-01-${String((p % 28) + 1).padStart(2, "0")}`,
        sex: "female" as const,
      })),
  );
  const run = Date.now().toString(36);
  const pdf = await largeLabResultPdf(PDF_KB * 1024);
  // Each file its own bytes (a different trailing comment), so that no two hash alike.
  const files = Array.from({ length: ROWS }, (_, i) => {
    const bytes = new Uint8Array(pdf.byteLength + 12);
    bytes.set(pdf);
    bytes.set(new TextEncoder().encode(`\n%${String(i).padStart(9, "0")}\n`), pdf.byteLength);
    return new File([bytes], `r${i}-${run}.pdf`, { type: "application/pdf" });
  });
  const input: Input = { csv: manifestCsv(ROWS, run), files };
  console.log(`Prepared ${ROWS} rows and ${ROWS} PDFs of ${PDF_KB} KB (${db.kind}) in ${ms(Date.now() - started)}.`);

  const portal: number[] = [];
  const baseline: number[] = [];
  for (let i = -2; i < RUNS; i++) {
    // Alternating, so that a slow moment of the shared machine falls on both.
    for (const [path, times] of (i % 2 === 0
      ? [
          ["portal", portal],
          ["baseline", baseline],
        ]
      : [
          ["baseline", baseline],
          ["portal", portal],
        ]) as Array<[string, number[]]>) {
      const t0 = performance.now();
      const found = path === "portal" ? await portalCheck(db, labId, input) : await baselineCheck(db, labId, input);
      const elapsed = performance.now() - t0;
      if (i >= 0) times.push(elapsed);
      if (found < 0) throw new Error("unreachable");
    }
  }
  const p = median(portal);
  const b = median(baseline);
  console.log(
    table(
      ["path", "median", "min", "max", "runs"],
      [
        [
          "portal (page + server action)",
          ms(p),
          ms(Math.min(...portal)),
          ms(Math.max(...portal)),
          String(portal.length),
        ],
        ["baseline (bare)", ms(b), ms(Math.min(...baseline)), ms(Math.max(...baseline)), String(baseline.length)],
      ],
    ),
  );
  console.log(`ratio portal / baseline: ${(p / b).toFixed(2)}`);
  console.log(`aim: the whole check within ${ms(AIM_MS)}: ${verdict(p, AIM_MS)} (median ${ms(p)})`);
});
