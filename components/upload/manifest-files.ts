import { checkPdfBytes, sizeProblem, type ManifestFile } from "@/lib/manifest";

/** SHA-256 in hex, with the browser's own digest. */
async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * One dropped file as the manifest check needs it: its name, size, SHA-256 (for "already
 * uploaded" and "the same content twice") and the PDF checks on its bytes. An empty file
 * or one over the size limit is not read at all.
 */
export async function describeDroppedFile(file: File, maxUploadMb: number): Promise<ManifestFile> {
  const size = sizeProblem(file.name, file.size, maxUploadMb);
  if (size) return { name: file.name, size: file.size, problem: size };
  try {
    const buffer = await file.arrayBuffer();
    return {
      name: file.name,
      size: file.size,
      sha256: await sha256Hex(buffer),
      problem: checkPdfBytes(new Uint8Array(buffer), file.name, maxUploadMb),
    };
  } catch {
    return {
      name: file.name,
      size: file.size,
      problem: { code: "not_pdf", message: `${file.name} could not be read. Choose it again.` },
    };
  }
}

/** Files chosen again replace the earlier file of the same name. */
export function fileKey(name: string): string {
  return name.trim().toLowerCase();
}
