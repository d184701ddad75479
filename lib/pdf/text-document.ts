import { StandardFonts, rgb, type PDFDocument, type PDFFont, type PDFPage } from "pdf-lib";

/**
 * The portal's one writer of text PDFs (the simulated Docus's interpretation reports).
 * No imports of the portal's own modules: the simulator loads this file with Node's type
 * stripping.
 */

/** Helvetica can only show WinAnsi characters; anything else is shown as "?". */
export function winAnsi(text: string): string {
  return text.replace(/[^\x20-\x7e\xa0-\xff]/g, "?");
}

const PAGE_WIDTH = 595.28;
const PAGE_HEIGHT = 841.89;
const MARGIN = 56;

/**
 * Writes flowing text onto A4 pages in Helvetica: a title, headings, paragraphs and
 * bullets, wrapped to the page and continued on new pages, and a footer on every page.
 */
export class PdfTextWriter {
  // Plain fields, not parameter properties: the simulator loads this file with Node's
  // own TypeScript support (type stripping), which only removes types.
  private readonly doc: PDFDocument;
  private readonly font: PDFFont;
  private readonly bold: PDFFont;
  private page: PDFPage;
  private y: number;

  /** A writer on `doc`, with Helvetica and Helvetica Bold embedded in it. */
  static async create(doc: PDFDocument): Promise<PdfTextWriter> {
    return new PdfTextWriter(
      doc,
      await doc.embedFont(StandardFonts.Helvetica),
      await doc.embedFont(StandardFonts.HelveticaBold),
    );
  }

  constructor(doc: PDFDocument, font: PDFFont, bold: PDFFont) {
    this.doc = doc;
    this.font = font;
    this.bold = bold;
    this.page = doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
    this.y = PAGE_HEIGHT - MARGIN;
  }

  title(text: string) {
    this.lines(text, { font: this.bold, size: 20, gapAfter: 6 });
  }

  heading(text: string) {
    this.y -= 10;
    this.lines(text, { font: this.bold, size: 13, gapAfter: 4, color: rgb(0.1, 0.25, 0.45) });
  }

  paragraph(text: string, { size = 11 }: { size?: number } = {}) {
    this.lines(text, { font: this.font, size, gapAfter: 3 });
  }

  bullet(text: string) {
    this.lines(text, { font: this.font, size: 11, gapAfter: 3, indent: 14, marker: "-" });
  }

  footers(text: string) {
    const pages = this.doc.getPages();
    pages.forEach((page, index) => {
      page.drawText(winAnsi(`${text} - page ${index + 1} of ${pages.length}`), {
        x: MARGIN,
        y: MARGIN / 2,
        size: 8,
        font: this.font,
        color: rgb(0.4, 0.4, 0.4),
      });
    });
  }

  private lines(
    text: string,
    opts: {
      font: PDFFont;
      size: number;
      gapAfter: number;
      indent?: number;
      marker?: string;
      color?: ReturnType<typeof rgb>;
    },
  ) {
    const indent = opts.indent ?? 0;
    const width = PAGE_WIDTH - 2 * MARGIN - indent;
    const wrapped = wrap(winAnsi(text), opts.font, opts.size, width);
    const lineHeight = opts.size * 1.35;
    wrapped.forEach((line, index) => {
      if (this.y - lineHeight < MARGIN) {
        this.page = this.doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
        this.y = PAGE_HEIGHT - MARGIN;
      }
      this.y -= lineHeight;
      if (index === 0 && opts.marker) {
        this.page.drawText(opts.marker, { x: MARGIN + indent - 10, y: this.y, size: opts.size, font: opts.font });
      }
      this.page.drawText(line, {
        x: MARGIN + indent,
        y: this.y,
        size: opts.size,
        font: opts.font,
        color: opts.color ?? rgb(0, 0, 0),
      });
    });
    this.y -= opts.gapAfter;
  }
}

/** Greedy word wrap; words wider than a line are cut. */
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const fits = (candidate: string) => font.widthOfTextAtSize(candidate, size) <= width;
  const lines: string[] = [];
  let current = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = current ? `${current} ${word}` : word;
    if (fits(candidate)) {
      current = candidate;
      continue;
    }
    if (current) lines.push(current);
    current = "";
    let rest = word;
    while (!fits(rest)) {
      let cut = rest.length - 1;
      while (cut > 1 && !fits(rest.slice(0, cut))) cut--;
      lines.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    current = rest;
  }
  if (current) lines.push(current);
  return lines.length > 0 ? lines : [""];
}
