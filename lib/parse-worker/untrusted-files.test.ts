import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseManifestXlsx } from "@/lib/manifest";
import { parseManifestXlsxIsolated } from "@/lib/manifest/parse-isolated";
import { buildXlsx } from "@/lib/manifest/xlsx-fixture";
import { checkXlsxDirectory } from "@/lib/manifest/xlsx-directory";
import { extractPdfText } from "@/lib/pdf/text";
import { textBombPdf, xlsxBomb } from "@/lib/testing/untrusted-files";
import { closeParsePool } from "./pool";

/**
 * Hostile files are parsed off the server's thread, within limits: while a PDF whose one
 * content stream inflates to about a gigabyte is read, this process keeps answering HTTP
 * requests and its memory hardly grows; an XLSX bomb is refused from its zip directory.
 */

const MB = 1024 * 1024;

let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((_, res) => res.end("ok"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await closeParsePool();
  await new Promise((resolve) => server.close(resolve));
});

/**
 * Runs `work` while polling the HTTP server every 100 ms and sampling this process's RSS;
 * the slowest answer, the RSS growth over `baseline` and the time taken.
 */
async function whileServing<T>(work: () => Promise<T>, baseline: number) {
  let slowest = 0;
  let peak = process.memoryUsage.rss();
  let running = true;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  const poller = (async () => {
    while (running) {
      const started = performance.now();
      expect(await (await fetch(url)).text()).toBe("ok");
      slowest = Math.max(slowest, performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const started = performance.now();
  const result = await work();
  const elapsed = performance.now() - started;
  running = false;
  await poller;
  clearInterval(sampler);
  return { result, slowest, growthMb: (peak - baseline) / MB, elapsed };
}

describe("a PDF whose content stream inflates to about a gigabyte", () => {
  let bomb: Uint8Array;

  beforeAll(async () => {
    bomb = await textBombPdf(1024);
  });

  it("is small on disk and a valid PDF", () => {
    expect(bomb.byteLength).toBeLessThan(10 * MB);
    expect(new TextDecoder().decode(bomb.subarray(0, 8))).toBe("%PDF-1.7");
  });

  it("is answered 'too large' within the time limit, while the server answers and its memory hardly grows", async () => {
    global.gc?.();
    const baseline = process.memoryUsage.rss();
    const { result, slowest, growthMb, elapsed } = await whileServing(
      () => extractPdfText(bomb, { timeoutMs: 5_000 }),
      baseline,
    );
    expect(result).toEqual({ kind: "unreadable", reason: "too_large" });
    expect(elapsed).toBeLessThan(5_000 + 1_000);
    expect(slowest).toBeLessThan(1_000);
    expect(growthMb).toBeLessThan(150);
  });

  it("is cut off by the wall clock from outside when its streams are let through to pdf.js", async () => {
    const baseline = process.memoryUsage.rss();
    const { result, slowest, elapsed } = await whileServing(
      () => extractPdfText(bomb, { timeoutMs: 1_500, maxStreamMb: 4096, maxInflatedMb: 4096 }),
      baseline,
    );
    expect(result).toMatchObject({ kind: "unreadable" });
    expect(["timeout", "too_large"]).toContain((result as { reason: string }).reason);
    expect(elapsed).toBeLessThan(1_500 + 1_000);
    expect(slowest).toBeLessThan(1_000);
  });

  it("as reported (a few hundred KB inflating to 60 MB of text operators) is answered 'too large' at once", async () => {
    const reported = await textBombPdf(60);
    expect(reported.byteLength).toBeLessThan(MB);
    const baseline = process.memoryUsage.rss();
    const { result, slowest, growthMb, elapsed } = await whileServing(() => extractPdfText(reported), baseline);
    expect(result).toEqual({ kind: "unreadable", reason: "too_large" });
    expect(elapsed).toBeLessThan(2_000);
    expect(slowest).toBeLessThan(1_000);
    expect(growthMb).toBeLessThan(150);
  });

  it("leaves the pool working for the next file", async () => {
    const small = await textBombPdf(1, "PT-SMALL-1");
    const result = await extractPdfText(small);
    expect(result.kind).toBe("text");
    expect(result.kind === "text" && result.text).toContain("PT-SMALL-1");
  });
});

describe("an XLSX whose sheet inflates to gigabytes", () => {
  let bomb: Uint8Array;

  beforeAll(async () => {
    bomb = await xlsxBomb(2048);
  });

  it("is refused from its zip directory, before anything is inflated", async () => {
    expect(bomb.byteLength).toBeLessThan(20 * MB);
    const directory = checkXlsxDirectory(bomb, 32 * MB);
    expect(directory).toEqual({ ok: false, message: expect.stringContaining("unpacks to 2,048 MB") });
    const baseline = process.memoryUsage.rss();
    const { result, growthMb, elapsed } = await whileServing(() => parseManifestXlsxIsolated(bomb), baseline);
    expect(result.rows).toEqual([]);
    expect(result.problems).toEqual([
      expect.objectContaining({
        code: "manifest_unreadable",
        message: expect.stringMatching(
          /^The manifest workbook unpacks to .* MB, more than the 32 MB a manifest may take/,
        ),
      }),
    ]);
    expect(elapsed).toBeLessThan(1_000);
    expect(growthMb).toBeLessThan(50);
  });

  it("is refused by the browser's reader too", async () => {
    const parsed = await parseManifestXlsx(bomb.buffer.slice(0) as ArrayBuffer);
    expect(parsed.problems[0]?.message).toContain("unpacks to");
  });

  it("while a workbook of the usual size is read in the worker", async () => {
    const parsed = await parseManifestXlsxIsolated(
      buildXlsx([
        ["File", "Patient ID", "First name", "Last name", "Birth date", "Sex", "Accession"],
        ["a.pdf", "P-1", "Ada", "Lovelace", new Date("1980-12-10T00:00:00Z"), "f", "ACC-1"],
      ]),
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.rows).toEqual([
      expect.objectContaining({
        line: 2,
        values: expect.objectContaining({ patientId: "P-1", birthDate: "1980-12-10" }),
      }),
    ]);
  });
});
