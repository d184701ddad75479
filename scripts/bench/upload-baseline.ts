import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import busboy from "busboy";
import { PgBoss } from "pg-boss";
import postgres from "postgres";
import { z } from "zod";
import { buildSubmissionBody, spacingMs, submissionUrl } from "@/lib/docus";
import { labResultModes, patientSexes, type LabResultMode } from "@/lib/domain";
import { getEnv } from "@/lib/env";
import { sha256Hex } from "@/lib/crypto";
import { checkPdf } from "@/lib/pdf/check";
import { extractPdfText } from "@/lib/pdf/text";
import { decideGuard } from "@/lib/guard/rules";
import { reply, serveUntilSignalled } from "./lib/baseline-server";

/**
 * The upload benchmarks' baseline (started by scripts/bench/upload.ts and batch.ts): a bare
 * node:http server doing the upload action's essential work without the framework, the
 * session or the bookkeeping. POST /upload takes the same multipart fields as the upload
 * form; busboy parses it, the file is capped at MAX_UPLOAD_MB, zod checks the fields,
 * checkPdf checks the PDF and hashes it, the wrong-patient guard reads its text in the parse
 * worker pool and decides (as every portal upload does); then ONE transaction (postgres.js) stores the
 * bytes and a row and enqueues a pg-boss job (ids only), and it answers "queued".
 *
 * Its worker sends each stored file to Docus (the simulator) the way the portal's does
 * (the same body, headers and endpoint, and the same spacing between requests that the
 * portal's shared rate limit keeps at DOCUS_RATE_PER_MINUTE), then marks the row accepted.
 *
 * Environment: the portal's (DATABASE_URL, DOCUS_*, MAX_UPLOAD_MB, DOCUS_RATE_PER_MINUTE)
 * plus BENCH_BASELINE_PORT and BENCH_PARTNER_LAB_ID.
 */

const env = getEnv();
if (!env.DATABASE_URL) throw new Error("The baseline needs DATABASE_URL (PostgreSQL).");
const port = Number(process.env.BENCH_BASELINE_PORT);
if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error("BENCH_BASELINE_PORT must be a port number.");
const partnerLabId = process.env.BENCH_PARTNER_LAB_ID ?? "bench-lab";
if (!env.DOCUS_API_URL || !env.DOCUS_API_KEY || !env.DOCUS_TEAM_ID || !env.DOCUS_AUTH_KEY)
  throw new Error("The baseline needs the DOCUS_* credentials.");
const credentials = {
  apiUrl: env.DOCUS_API_URL,
  apiKey: env.DOCUS_API_KEY,
  teamId: env.DOCUS_TEAM_ID,
  authKey: env.DOCUS_AUTH_KEY,
};
const maxBytes = env.MAX_UPLOAD_MB * 1024 * 1024;
const QUEUE = "bench-baseline-submit";
/** The portal's spacing between two Docus requests, kept here in-process. */
const gapMs = spacingMs(env.DOCUS_RATE_PER_MINUTE);

// The same driver and pool size as the portal's database client (db/index.ts).
const sql = postgres(env.DATABASE_URL, { max: 10, idle_timeout: 30, connect_timeout: 10, onnotice: () => {} });
await sql`create table if not exists bench_upload_documents (id uuid primary key default gen_random_uuid(), sha256 text not null, byte_size integer not null, bytes bytea not null)`;
await sql`create table if not exists bench_upload_results (
  id uuid primary key default gen_random_uuid(),
  document_id uuid not null references bench_upload_documents(id),
  patient_id text not null, given_name text not null, family_name text not null, birth_date date not null, sex text not null,
  accession_number text not null, mode text not null, file_name text not null,
  status text not null default 'queued', created_at timestamptz not null default now(), accepted_at timestamptz)`;

// pg-boss in a schema of its own, so that it never meets the portal's queues.
const boss = new PgBoss({
  connectionString: env.DATABASE_URL,
  schema: "bench_baseline_boss",
  max: 4,
  useListenNotify: true,
});
boss.on("error", (error: unknown) =>
  console.error(`[baseline jobs] ${error instanceof Error ? error.message : String(error)}`),
);
await boss.start();
await boss.createQueue(QUEUE, { notify: true, retryLimit: 5, retryDelay: 1 });

const fieldsSchema = z.object({
  patientId: z.string().trim().min(1).max(64),
  givenName: z.string().trim().min(1).max(100),
  familyName: z.string().trim().min(1).max(100),
  birthDate: z.iso.date(),
  sex: z.enum(patientSexes),
  accessionNumber: z.string().trim().min(1).max(64),
  mode: z.enum(labResultModes),
});

type Parsed = { fields: Record<string, string>; file: { bytes: Buffer; name: string } | null; tooLarge: boolean };

/** The multipart body, streamed through busboy: the fields, and the one file (capped). */
function parseMultipart(request: IncomingMessage): Promise<Parsed> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: request.headers,
        limits: { files: 1, fileSize: maxBytes, fields: 20, fieldSize: 4096 },
      });
    } catch (error) {
      reject(error);
      return;
    }
    const parsed: Parsed = { fields: {}, file: null, tooLarge: false };
    parser.on("field", (name, value) => {
      parsed.fields[name] = value;
    });
    parser.on("file", (_name, stream, info) => {
      const chunks: Buffer[] = [];
      let total = 0;
      stream.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        total += chunk.byteLength;
      });
      stream.on("limit", () => {
        parsed.tooLarge = true;
      });
      stream.on("end", () => {
        if (!parsed.tooLarge)
          parsed.file = { bytes: Buffer.concat(chunks, total), name: info.filename ?? "upload.pdf" };
      });
    });
    parser.on("close", () => resolve(parsed));
    parser.on("error", reject);
    request.pipe(parser);
  });
}

async function handleUpload(request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (!(request.headers["content-type"] ?? "").startsWith("multipart/form-data"))
    return reply(response, 415, { status: "error" });
  const parsed = await parseMultipart(request);
  if (parsed.tooLarge) return reply(response, 413, { status: "error", error: "file over the limit" });
  const fields = fieldsSchema.safeParse(parsed.fields);
  if (!fields.success || !parsed.file)
    return reply(response, 400, { status: "error", error: "invalid fields or no file" });
  const check = checkPdf(parsed.file.bytes, "The file");
  if (!check.ok) return reply(response, 400, { status: "error", error: check.message });
  const sha256 = sha256Hex(parsed.file.bytes);
  const { bytes, name } = parsed.file;
  const input = fields.data;
  // The wrong-patient guard's text check, as the portal does it on every upload: the PDF's
  // text read in the parse worker pool (lib/parse-worker), then the guard's decision.
  const guard = decideGuard({
    enabled: true,
    text: await extractPdfText(bytes),
    patientId: input.patientId,
    familyName: input.familyName,
    birthDate: input.birthDate,
    accessionNumber: input.accessionNumber,
  });
  if (guard.outcome === "needs_confirmation") return reply(response, 422, { status: "held", reason: guard.reason });
  const id = await sql.begin(async (tx) => {
    const [document] = await tx<
      { id: string }[]
    >`insert into bench_upload_documents (sha256, byte_size, bytes) values (${sha256}, ${bytes.byteLength}, ${bytes}) returning id`;
    const [row] = await tx<{ id: string }[]>`insert into bench_upload_results
      (document_id, patient_id, given_name, family_name, birth_date, sex, accession_number, mode, file_name)
      values (${document!.id}, ${input.patientId}, ${input.givenName}, ${input.familyName}, ${input.birthDate}, ${input.sex}, ${input.accessionNumber}, ${input.mode}, ${name})
      returning id`;
    // The job is inserted in this transaction: it exists exactly when the row does.
    await boss.send(
      QUEUE,
      { id: row!.id },
      {
        db: {
          executeSql: async (text: string, values?: unknown[]) => ({
            rows: await tx.unsafe(text, (values ?? []) as never[]),
          }),
        },
      },
    );
    return row!.id;
  });
  reply(response, 200, { status: "queued", id });
}

let nextSlot = 0;
/** Waits for this process's next Docus slot (the same spacing as the portal's shared limit). */
async function takeSlot(): Promise<void> {
  const now = Date.now();
  const at = Math.max(now, nextSlot);
  nextSlot = at + gapMs;
  if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
}

async function send(id: string): Promise<void> {
  const [row] = await sql<
    { patient_id: string; accession_number: string; mode: LabResultMode; file_name: string; bytes: Buffer }[]
  >`
    select r.patient_id, r.accession_number, r.mode, r.file_name, d.bytes
    from bench_upload_results r join bench_upload_documents d on d.id = r.document_id where r.id = ${id} and r.status = 'queued'`;
  if (!row) return;
  await takeSlot();
  const body = buildSubmissionBody({
    mode: row.mode,
    patientId: row.patient_id,
    referenceId: row.accession_number,
    partnerLabId,
    file: { bytes: row.bytes, fileName: row.file_name, mimeType: "application/pdf" },
  });
  const answer = await fetch(submissionUrl(credentials.apiUrl, row.mode), {
    method: "POST",
    headers: {
      "x-api-key": credentials.apiKey,
      "x-team-id": credentials.teamId,
      "x-auth-key": credentials.authKey,
      "content-type": "application/json",
      accept: "application/json",
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(env.DOCUS_TIMEOUT_MS),
  });
  await answer.arrayBuffer();
  if (answer.status !== 201) throw new Error(`Docus answered ${answer.status}`);
  await sql`update bench_upload_results set status = 'accepted', accepted_at = now() where id = ${id}`;
}

// The same worker settings as the portal's (lib/send/worker.ts), with its wake-up after
// each job so that the workers fetch again at once rather than sleeping out the poll.
await boss.work<{ id: string }>(
  QUEUE,
  { batchSize: 1, localConcurrency: 4, pollingIntervalSeconds: 1, notifyPollingIntervalSeconds: 5 },
  async ([job]) => {
    try {
      if (job) await send(job.data.id);
    } finally {
      for (const worker of boss.getWipData()) if (worker.name === QUEUE) boss.notifyWorker(worker.id);
    }
  },
);

const server = createServer((request, response) => {
  const work =
    request.method === "GET" && request.url === "/health"
      ? Promise.resolve(reply(response, 200, { status: "ok" }))
      : request.method === "POST" && request.url === "/upload"
        ? handleUpload(request, response)
        : Promise.resolve(reply(response, 404, { status: "error" }));
  work.catch((error: unknown) => {
    console.error(`[baseline] ${error instanceof Error ? error.message : String(error)}`);
    if (!response.headersSent) reply(response, 500, { status: "error" });
    else response.destroy();
  });
});

serveUntilSignalled(
  server,
  port,
  () =>
    boss
      .stop({ graceful: false, timeout: 2000 })
      .catch(() => undefined)
      .then(() => sql.end({ timeout: 5 })),
  `Baseline upload server on http://127.0.0.1:${port}`,
);
