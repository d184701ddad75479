import { describe, expect, it } from "vitest";
import { parseUploadForm, readUploadForm } from "./form";

/**
 * The upload route's multipart body read as it streams (busboy, the file into one buffer)
 * and checked with zod: a wrong upload is refused with words a technician understands.
 */

const MB = 1024 * 1024;
const PDF = new TextEncoder().encode("%PDF-1.7\n1 0 obj <<>> endobj\nstartxref\n0\n%%EOF\n");

const fields = {
  patientChoice: "new",
  patientId: "PT-1",
  givenName: "Ada",
  familyName: "Lovelace",
  birthDate: "1980-12-10",
  sex: "female",
  accessionNumber: "ACC-1",
  mode: "interpret",
};

function formWith(
  files: Array<{ bytes: Uint8Array<ArrayBuffer>; name: string }>,
  extra: Array<[string, string]> = [],
): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const [name, value] of extra) form.append(name, value);
  for (const file of files) form.append("file", new Blob([file.bytes], { type: "application/pdf" }), file.name);
  return form;
}

/** The body and headers the route hands on, as a browser's fetch sends the form. */
async function encoded(form: FormData): Promise<{ bytes: Uint8Array; contentType: string }> {
  const request = new Request("http://portal.test/api/uploads", { method: "POST", body: form });
  return { bytes: new Uint8Array(await request.arrayBuffer()), contentType: request.headers.get("content-type")! };
}

function streamOf(bytes: Uint8Array, chunkSize = 64 * 1024): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.slice(at, at + chunkSize));
      at += chunkSize;
    },
  });
}

async function read(form: FormData, maxUploadMb = 20) {
  const { bytes, contentType } = await encoded(form);
  const result = await readUploadForm(streamOf(bytes), { contentType, contentLength: bytes.byteLength }, maxUploadMb);
  if (!result.ok) return { read: result, parsed: null };
  return { read: result, parsed: parseUploadForm(result.form, maxUploadMb) };
}

describe("readUploadForm and parseUploadForm", () => {
  it("read the fields and the one file, its bytes exactly", async () => {
    const large = new Uint8Array(3 * MB + 17);
    large.set(PDF);
    for (let i = PDF.length; i < large.length; i++) large[i] = i % 251;
    const { parsed } = await read(formWith([{ bytes: large, name: "résultat ü.pdf" }]));
    expect(parsed?.ok).toBe(true);
    if (!parsed?.ok) return;
    expect(Buffer.from(parsed.file.bytes).equals(Buffer.from(large))).toBe(true);
    expect(parsed.file.name).toBe("résultat ü.pdf");
    expect(parsed.request).toMatchObject({
      accessionNumber: "ACC-1",
      mode: "interpret",
      patient: { kind: "new", patientId: "PT-1", givenName: "Ada", familyName: "Lovelace" },
    });
  });

  it("take a repeated field's first value, as FormData.get did", async () => {
    const { parsed } = await read(formWith([{ bytes: PDF, name: "a.pdf" }], [["accessionNumber", "ACC-2"]]));
    expect(parsed?.ok && parsed.request.accessionNumber).toBe("ACC-1");
  });

  it("refuse a form without a file", async () => {
    const { parsed } = await read(formWith([]));
    expect(parsed).toEqual({ ok: false, answer: { status: "invalid", fieldErrors: { file: ["Choose a PDF file."] } } });
  });

  it("refuse two files in one upload", async () => {
    const { parsed } = await read(
      formWith([
        { bytes: PDF, name: "a.pdf" },
        { bytes: PDF, name: "b.pdf" },
      ]),
    );
    expect(parsed).toEqual({
      ok: false,
      answer: {
        status: "invalid",
        fieldErrors: { file: ["Send one PDF per upload: this upload carried several files."] },
      },
    });
  });

  it("refuse a file past the limit by its name, its bytes dropped as they come", async () => {
    const { read: result, parsed } = await read(formWith([{ bytes: new Uint8Array(MB + 1), name: "scan.pdf" }]), 1);
    expect(result.ok && result.form.file?.bytes.byteLength).toBe(0);
    expect(parsed).toEqual({
      ok: false,
      answer: { status: "invalid", fieldErrors: { file: ["scan.pdf is larger than the 1 MB limit."] } },
    });
  });

  it("refuse a file larger than the length the request declared", async () => {
    const { bytes, contentType } = await encoded(formWith([{ bytes: new Uint8Array(200_000), name: "a.pdf" }]));
    const result = await readUploadForm(streamOf(bytes), { contentType, contentLength: 100_000 }, 20);
    expect(result.ok && parseUploadForm(result.form, 20)).toMatchObject({
      ok: false,
      answer: { fieldErrors: { file: ["a.pdf is larger than the 20 MB limit."] } },
    });
  });

  it("say the upload could not be read when it is not multipart, has no body, or is cut short", async () => {
    const unreadable = {
      ok: false,
      answer: { status: "invalid", message: "The upload could not be read. Try again." },
    };
    const json = new TextEncoder().encode('{"file":"x"}');
    expect(
      await readUploadForm(streamOf(json), { contentType: "application/json", contentLength: json.byteLength }, 20),
    ).toEqual(unreadable);
    expect(
      await readUploadForm(null, { contentType: "multipart/form-data; boundary=x", contentLength: 1 }, 20),
    ).toEqual(unreadable);
    const { bytes, contentType } = await encoded(formWith([{ bytes: new Uint8Array(300_000), name: "a.pdf" }]));
    const cut = bytes.subarray(0, 200_000);
    expect(await readUploadForm(streamOf(cut), { contentType, contentLength: bytes.byteLength }, 20)).toEqual(
      unreadable,
    );
  });

  it("refuse wrong fields with the fields' own messages, before the file is looked at", async () => {
    const form = formWith([]);
    form.set("mode", "guess");
    const { parsed } = await read(form);
    expect(parsed).toMatchObject({
      ok: false,
      answer: { status: "invalid", message: "Some fields need attention.", fieldErrors: { mode: expect.any(Array) } },
    });
  });
});
