import { Buffer } from "node:buffer";
import { constants, createDeflate, createDeflateRaw, crc32, deflateRawSync } from "node:zlib";

/**
 * Hostile files for tests, made at test time (nothing big is committed): a one-page PDF
 * whose content stream inflates to about `inflatedBytes` of text operators, and an .xlsx
 * whose sheet XML inflates to gigabytes. Both are a few megabytes: deflate packs a
 * repeating pattern about 150 to 1 at its fastest level.
 */

const MB = 1024 * 1024;

/** Deflates `count` copies of `block` as a stream (zlib or raw), never holding the whole inflated text. */
async function deflateRepeated(
  block: Buffer,
  count: number,
  { raw = false, level = 1, prefix = Buffer.alloc(0), suffix = Buffer.alloc(0) } = {},
): Promise<{ data: Buffer; crc: number; size: number }> {
  const deflate = raw ? createDeflateRaw({ level }) : createDeflate({ level });
  const out: Buffer[] = [];
  deflate.on("data", (chunk: Buffer) => out.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    deflate.on("end", resolve);
    deflate.on("error", reject);
  });
  let crc = 0;
  let size = 0;
  const write = async (chunk: Buffer) => {
    crc = crc32(chunk, crc);
    size += chunk.length;
    if (!deflate.write(chunk)) await new Promise((resolve) => deflate.once("drain", resolve));
  };
  await write(prefix);
  for (let i = 0; i < count; i++) await write(block);
  await write(suffix);
  deflate.end();
  await ended;
  return { data: Buffer.concat(out), crc, size };
}

/** `text` repeated to fill about one megabyte, whole copies only. */
function megabyteOf(text: string): Buffer {
  const unit = Buffer.from(text, "latin1");
  return Buffer.concat(Array.from({ length: Math.floor(MB / unit.length) }, () => unit));
}

/**
 * A valid one-page PDF (Helvetica, one Flate content stream) whose content stream inflates
 * to about `inflatedMb` megabytes of "show this text" operators naming `patientId`.
 */
export async function textBombPdf(inflatedMb: number, patientId = "PT-BOMB-1"): Promise<Uint8Array> {
  const block = megabyteOf(`BT /F1 12 Tf 72 712 Td (Patient ID: ${patientId} result 13.5 g/dL) Tj ET\n`);
  const { data } = await deflateRepeated(block, inflatedMb);
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let length = 0;
  const push = (chunk: Buffer | string) => {
    const buf = typeof chunk === "string" ? Buffer.from(chunk, "latin1") : chunk;
    parts.push(buf);
    length += buf.length;
  };
  const object = (n: number, body: string | Buffer[]) => {
    offsets[n] = length;
    push(`${n} 0 obj\n`);
    if (typeof body === "string") push(body);
    else body.forEach(push);
    push("\nendobj\n");
  };
  push("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
  object(1, "<< /Type /Catalog /Pages 2 0 R >>");
  object(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
  object(
    3,
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
  );
  object(4, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  object(5, [
    Buffer.from(`<< /Length ${data.length} /Filter /FlateDecode >>\nstream\n`, "latin1"),
    data,
    Buffer.from("\nendstream", "latin1"),
  ]);
  const xref = length;
  push(`xref\n0 6\n0000000000 65535 f \n`);
  for (let n = 1; n <= 5; n++) push(`${String(offsets[n]).padStart(10, "0")} 00000 n \n`);
  push(`trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  return new Uint8Array(Buffer.concat(parts));
}

type ZipEntry = { name: string; data: Buffer; crc: number; size: number };

/** A zip archive of deflated entries (sizes under 4 GB: no zip64). */
function zip(entries: ZipEntry[]): Uint8Array {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, "utf8");
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(entry.crc >>> 0, 14);
    local.writeUInt32LE(entry.data.length, 18);
    local.writeUInt32LE(entry.size, 22);
    local.writeUInt16LE(name.length, 26);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(0x0800, 8);
    header.writeUInt16LE(8, 10);
    header.writeUInt32LE(entry.crc >>> 0, 16);
    header.writeUInt32LE(entry.data.length, 20);
    header.writeUInt32LE(entry.size, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(offset, 42);
    locals.push(local, name, entry.data);
    central.push(header, name);
    offset += local.length + name.length + entry.data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}

function smallEntry(name: string, text: string): ZipEntry {
  const data = Buffer.from(text, "utf8");
  return {
    name,
    data: deflateRawSync(data, { level: constants.Z_DEFAULT_COMPRESSION }),
    crc: crc32(data),
    size: data.length,
  };
}

/**
 * A valid .xlsx whose one sheet's XML inflates to about `inflatedMb` megabytes (rows of the
 * same text cells), as its zip directory says truthfully. Deflate `level` 1 is fast (about
 * 150 to 1); 6 packs about 300 to 1 (a gigabyte in under 4 MB) and takes twice as long.
 */
export async function xlsxBomb(inflatedMb = 2048, level = 1): Promise<Uint8Array> {
  const ns = "http://schemas.openxmlformats.org";
  const row = `<row><c t="inlineStr"><is><t>bomb.pdf</t></is></c><c t="inlineStr"><is><t>PT-BOMB-1</t></is></c></row>`;
  const sheet = await deflateRepeated(megabyteOf(row), inflatedMb, {
    raw: true,
    level,
    prefix: Buffer.from(
      `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${ns}/spreadsheetml/2006/main"><sheetData>`,
    ),
    suffix: Buffer.from("</sheetData></worksheet>"),
  });
  return zip([
    smallEntry(
      "[Content_Types].xml",
      `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="${ns}/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
    ),
    smallEntry(
      "_rels/.rels",
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${ns}/package/2006/relationships"><Relationship Id="rId1" Type="${ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ),
    smallEntry(
      "xl/workbook.xml",
      `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${ns}/spreadsheetml/2006/main" xmlns:r="${ns}/officeDocument/2006/relationships"><sheets><sheet name="Manifest" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    ),
    smallEntry(
      "xl/_rels/workbook.xml.rels",
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${ns}/package/2006/relationships"><Relationship Id="rId1" Type="${ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
    ),
    { name: "xl/worksheets/sheet1.xml", ...sheet },
  ]);
}
