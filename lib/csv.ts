import Papa from "papaparse";

/**
 * The portal's one CSV writer (papaparse's unparse), for files opened in spreadsheets:
 * every cell quoted (RFC 4180, quotes doubled), and a cell that a spreadsheet would run
 * as a formula (starting with =, +, -, @, tab or carriage return) prefixed with a single
 * quote, as OWASP advises against CSV injection. papaparse's own `escapeFormulae: true`
 * misses a formula with a line break in it (its pattern's `.*$` stops at the break): the
 * pattern here only looks at the first character.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  return value instanceof Date ? value.toISOString() : String(value);
}

/** One line of cells, ending in CRLF. */
export function csvLine(values: unknown[]): string {
  return `${Papa.unparse([values.map(cellText)], { quotes: true, escapeFormulae: FORMULA_START, newline: "\r\n" })}\r\n`;
}

/** One cell as it is written in a line. */
export function csvCell(value: unknown): string {
  return csvLine([value]).slice(0, -2);
}
