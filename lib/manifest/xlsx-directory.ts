import { unzipSync } from "fflate";

/**
 * The sizes an .xlsx (a zip archive) claims for its parts, read from its central directory
 * without inflating anything: a few megabytes of zip can inflate to gigabytes of sheet XML,
 * and the spreadsheet reader inflates every part whole before any row limit applies. The
 * reader (fflate) never inflates a part past the size its directory claims, so this check
 * bounds the memory it takes. Pure: used by the browser and the server.
 */

export type XlsxDirectoryCheck = { ok: true; inflatedBytes: number } | { ok: false; message: string };

export function checkXlsxDirectory(bytes: Uint8Array, maxInflatedBytes: number): XlsxDirectoryCheck {
  let total = 0;
  let largest = 0;
  try {
    unzipSync(bytes, {
      filter: (entry) => {
        total += entry.originalSize;
        largest = Math.max(largest, entry.originalSize);
        return false;
      },
    });
  } catch {
    return {
      ok: false,
      message: "The manifest could not be read as an Excel workbook (.xlsx). Save it again as .xlsx or as CSV.",
    };
  }
  if (total > maxInflatedBytes) {
    const mb = (n: number) => `${Math.ceil(n / (1024 * 1024)).toLocaleString("en")} MB`;
    return {
      ok: false,
      message:
        `The manifest workbook unpacks to ${mb(total)}, more than the ${mb(maxInflatedBytes)} a manifest may take ` +
        "(a manifest is a small table). Save only the manifest's sheet, or save it as CSV.",
    };
  }
  return { ok: true, inflatedBytes: total };
}
