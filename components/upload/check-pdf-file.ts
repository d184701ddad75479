import { describeFileProblem } from "@/lib/validations/lab-results";

const pdfMagic = "%PDF-";

/**
 * The browser-side check of a chosen file, before anything is sent: name, type and size
 * with the shared rule, then the first bytes, which every PDF starts with.
 */
export async function checkPdfFile(file: File, maxUploadMb: number): Promise<string | null> {
  const problem = describeFileProblem(file, maxUploadMb);
  if (problem) return problem;
  try {
    const head = new Uint8Array(await file.slice(0, pdfMagic.length).arrayBuffer());
    if (String.fromCharCode(...head) !== pdfMagic)
      return `${file.name} is not a PDF (its content is not a PDF document).`;
  } catch {
    return `${file.name} could not be read. Choose it again.`;
  }
  return null;
}

/** Files chosen twice (same name, size and date) are the same file. */
export function fileSignature(file: File): string {
  return `${file.name}\u0000${file.size}\u0000${file.lastModified}`;
}
