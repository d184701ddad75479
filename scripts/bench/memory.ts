import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Cleanup, SetupError, assertPortFree, positiveInt, runBenchmark } from "./lib/harness";
import { fillNewPatientUpload, launchChromium, signIn } from "./lib/browser";
import { largeLabResultPdf } from "./lib/pdf";
import { MB, processTree } from "./lib/rss";
import { SMOKE, SMOKE_VERDICT, smokeOr } from "./lib/smoke";

/**
 * `npm run bench:memory`: the memory the embedded default holds. It runs `npm start` on a
 * fresh embedded database (a temporary folder) exactly as a new user would, signs in as
 * the demo technician in Chromium, uploads one PDF with "Interpret", waits until its
 * interpretation report has arrived, lets the processes settle, and prints the resident
 * memory (RSS) of every process the start launched, and their sum. npm's own process,
 * which only waits for the script, is listed but not counted. The baseline of the same
 * run is the portal's memory when it first answered (migrated, demo data seeded, no page
 * served yet): the ratio says what the journey added.
 *
 * `--smoke`: the start and the first reading only (no browser journey, no settling, no
 * aim), to check that the benchmark runs.
 *
 * Environment: BENCH_PORT (portal, 3350), BENCH_SIM_PORT (simulator, 4350),
 * CHROMIUM_PATH (default /usr/bin/chromium), BENCH_SETTLE_MS (5000). `--smoke`: settles 500 ms, no aim.
 */

const AIM_MB = 450;
const smoke = process.argv.includes("--smoke");

type ProcessRow = { pid: number; command: string; rss: number; counted: boolean };

function readProc(pid: number): { command: string; rss: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const rss = status.match(/^VmRSS:\s+(\d+) kB$/m);
    const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    if (!rss) return null;
    const shown = command
      .map((part) => (part.startsWith(process.cwd()) ? path.relative(process.cwd(), part) : part))
      .join(" ");
    return { command: shown.length > 90 ? `${shown.slice(0, 87)}...` : shown, rss: Number(rss[1]) * 1024 };
  } catch {
    return null;
  }
}

async function waitForHealth(url: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new SetupError(`The portal did not answer ${url} in time.`);
}

const code = await runBenchmark(async (cleanup: Cleanup) => {
  const port = positiveInt("BENCH_PORT", 3350, 65535);
  const simPort = positiveInt("BENCH_SIM_PORT", 4350, 65535);
  const settleMs = positiveInt("BENCH_SETTLE_MS", smokeOr(5000, 500), 600_000);
  const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  await assertPortFree(port, "portal");
  await assertPortFree(simPort, "Docus simulator");

  const work = mkdtempSync(path.join(os.tmpdir(), "lab-portal-memory-"));
  cleanup.add("remove the temporary folder", () => rmSync(work, { recursive: true, force: true }));
  const pdfPath = path.join(work, "cbc-panel.pdf");
  // The PDF names the patient, so that the wrong-patient guard lets it go.
  writeFileSync(pdfPath, await largeLabResultPdf(40 * 1024, "Patient ID: MEM-0001"));

  // A new user's environment: no database, no secrets, no Docus settings.
  // (Next.js types NODE_ENV as always set; a new user's shell has none.)
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(port),
    DOCUS_SIM_PORT: String(simPort),
    PGLITE_DATA_DIR: path.join(work, "pglite"),
  } as Record<string, string | undefined> as NodeJS.ProcessEnv;
  const started = Date.now();
  const npm = spawn("npm", ["start"], { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  npm.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  npm.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  cleanup.add("stop the portal", async () => {
    const group = npm.pid;
    if (group === undefined) return;
    const alive = () => {
      try {
        process.kill(-group, 0);
        return true;
      } catch {
        return false;
      }
    };
    if (!alive()) return;
    // The whole group, not only npm: npm exits at once on SIGTERM while the portal it
    // started is still shutting down (once, in a smoke run, the portal outlived the run).
    process.kill(-group, "SIGTERM");
    const deadline = Date.now() + 15_000;
    while (alive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    if (alive()) {
      console.error("The portal did not stop within 15 s of SIGTERM: killed.");
      process.kill(-group, "SIGKILL");
    }
  });
  const baseUrl = `http://localhost:${port}`;
  try {
    await waitForHealth(`${baseUrl}/api/health`, Date.now() + 300_000);
  } catch (error) {
    console.error(output.slice(-4000));
    throw error;
  }
  const startSeconds = (Date.now() - started) / 1000;
  const countedRss = () => {
    const rows: ProcessRow[] = [];
    for (const pid of processTree(npm.pid ?? 0)) {
      const info = readProc(pid);
      if (!info) continue;
      // npm itself (and a shell it may start) only waits for the script: not the portal's.
      const counted = pid !== npm.pid && !/^(sh|\/bin\/sh) -c/.test(info.command);
      rows.push({ pid, ...info, counted });
    }
    return { rows, total: rows.filter((row) => row.counted).reduce((sum, row) => sum + row.rss, 0) };
  };
  const atStart = countedRss();
  if (smoke) {
    console.log("");
    console.log(`Smoke run: the portal answered after ${startSeconds.toFixed(1)} s`);
    for (const row of atStart.rows)
      console.log(
        `${row.counted ? " " : "*"} ${String(row.pid).padStart(7)}  ${(row.rss / MB).toFixed(0).padStart(5)} MB  ${row.command}`,
      );
    console.log(
      `Total of the portal's processes when it first answered: ${(atStart.total / MB).toFixed(0)} MB (smoke: no journey, no aim)`,
    );
    return;
  }

  const browser = await launchChromium(chromiumPath, { ownSignals: false });
  cleanup.add("close Chromium", () => browser.close());
  const page = await browser.newPage({ baseURL: baseUrl });
  page.setDefaultTimeout(60_000);
  await signIn(page, { email: "technician@demo.lab", password: "demo-technician-pass" });
  await fillNewPatientUpload(page, {
    patientId: "MEM-0001",
    givenName: "Mona",
    familyName: "Memory",
    birthDate: "1975-05-05",
    accession: "ACC-MEM-0001",
    files: pdfPath,
  });
  await page.getByRole("button", { name: "Send to Docus" }).click();
  await page.goto("/lab-results");
  await page.getByText("Report ready").first().waitFor({ timeout: 120_000 });
  await browser.close();

  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const { rows, total } = countedRss();

  console.log("");
  console.log("Memory of the embedded default (npm start, one upload with Interpret, report received)");
  console.log(
    `Node ${process.version}, ${os.cpus().length} CPUs; portal answered after ${startSeconds.toFixed(1)} s; settled ${settleMs} ms`,
  );
  console.log("");
  for (const row of rows) {
    console.log(
      `${row.counted ? " " : "*"} ${String(row.pid).padStart(7)}  ${(row.rss / MB).toFixed(0).padStart(5)} MB  ${row.command}`,
    );
  }
  console.log("");
  console.log(
    `Total of the portal's processes: ${(total / MB).toFixed(0)} MB (aim < ${AIM_MB} MB: ${SMOKE ? SMOKE_VERDICT : total / MB < AIM_MB ? "met" : "not met"})`,
  );
  console.log(
    `Baseline (same run, when the portal first answered): ${(atStart.total / MB).toFixed(0)} MB; after the journey / baseline: ${(total / atStart.total).toFixed(2)}x`,
  );
  console.log("* npm's own process, not counted");
});
process.exit(code);
