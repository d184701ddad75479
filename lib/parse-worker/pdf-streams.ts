import { constants, createInflate } from "node:zlib";

/**
 * What a PDF's Flate streams inflate to, measured before pdf.js decodes any of them: pdf.js
 * keeps a whole decoded stream in memory (a 150 KB file can hold a page of gigabytes of
 * text operators), outside the worker's heap limit. Each stream between `stream` and
 * `endstream` whose dictionary names FlateDecode is inflated and counted, its output thrown
 * away, until the budget is spent. Image streams are left alone (text extraction never
 * decodes images, and a scan's pages are large). A raw byte scan, not a parse: a stream it
 * cannot find is still bounded by the worker's heap limit and wall clock.
 * No imports of the portal's own modules: a worker thread loads this file with Node's type
 * stripping.
 */

const STREAM = Buffer.from("stream");
const END_STREAM = Buffer.from("endstream");
/** How far before a `stream` keyword its dictionary is looked for. */
const DICT_WINDOW = 4096;

/** Bytes `data` inflates to, counted up to `cap` (a count over `cap` means "more"). */
export function inflatedSize(data: Uint8Array, cap: number): Promise<number> {
  return new Promise((resolve) => {
    const inflate = createInflate({ finishFlush: constants.Z_SYNC_FLUSH, chunkSize: 64 * 1024 });
    let count = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      inflate.removeAllListeners("data");
      inflate.destroy();
      resolve(count);
    };
    inflate.on("data", (chunk: Buffer) => {
      count += chunk.length;
      if (count > cap) finish();
    });
    inflate.on("end", finish);
    inflate.on("error", finish);
    inflate.on("close", finish);
    inflate.end(data);
  });
}

/** Whether the dictionary of the stream whose keyword is at `at` names FlateDecode and is not an image. */
function isFlateNonImage(buf: Buffer, at: number): boolean {
  const window = buf.subarray(Math.max(0, at - DICT_WINDOW), at).toString("latin1");
  const objectStart = window.lastIndexOf(" obj");
  const dict = objectStart === -1 ? window : window.slice(objectStart);
  if (/\/Subtype\s*\/Image\b/.test(dict)) return false;
  return /\/(?:FlateDecode|Fl)\b/.test(dict);
}

/**
 * What the non-image Flate streams of a PDF inflate to, counted up to the limits: `{ ok: false }`
 * as soon as one stream inflates past `maxStreamBytes` (pdf.js holds a decoded stream whole)
 * or all of them past `maxTotalBytes`.
 */
export async function checkInflatedStreams(
  bytes: Uint8Array,
  { maxStreamBytes, maxTotalBytes }: { maxStreamBytes: number; maxTotalBytes: number },
): Promise<{ ok: true; inflatedBytes: number } | { ok: false }> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let total = 0;
  let pos = 0;
  for (;;) {
    const at = buf.indexOf(STREAM, pos);
    if (at === -1) break;
    pos = at + STREAM.length;
    // "endstream" contains "stream": only the opening keyword, followed by an end of line, counts.
    if (at >= 3 && buf.toString("latin1", at - 3, at) === "end") continue;
    let start = pos;
    if (buf[start] === 0x0d) start++;
    if (buf[start] !== 0x0a && start === pos) continue;
    if (buf[start] === 0x0a) start++;
    const endAt = buf.indexOf(END_STREAM, start);
    const end = endAt === -1 ? buf.length : endAt;
    pos = end;
    if (!isFlateNonImage(buf, at)) continue;
    const size = await inflatedSize(buf.subarray(start, end), Math.min(maxStreamBytes, maxTotalBytes - total));
    total += size;
    if (size > maxStreamBytes || total > maxTotalBytes) return { ok: false };
  }
  return { ok: true, inflatedBytes: total };
}
