import { formatCount } from "./format";

export type PagedTotal = {
  total: number;
  totalIsLowerBound: boolean;
  page: number;
  pageSize: number;
  rowsOnPage: number;
};

export type PagingSummary = {
  /** "1 patient", "3,402 patients", "More than 10,000 patients". */
  count: string;
  /** "page 2 of 137", "page 2 of 400 or more"; null when everything fits on one page. */
  position: string | null;
  hasPrevious: boolean;
  hasNext: boolean;
};

/**
 * What a paged list says about its size and where the reader is. A total that is only a
 * lower bound (a capped count) still lets the reader page on while pages come back full.
 */
export function pagingSummary(
  { total, totalIsLowerBound, page, pageSize, rowsOnPage }: PagedTotal,
  noun: [string, string],
): PagingSummary {
  const [one, many] = noun;
  const count = totalIsLowerBound
    ? `More than ${formatCount(total)} ${many}`
    : total === 1
      ? `1 ${one}`
      : `${formatCount(total)} ${many}`;
  const knownPages = Math.max(1, Math.ceil(total / pageSize));
  const hasNext = page < knownPages || (totalIsLowerBound && rowsOnPage === pageSize);
  const multiplePages = knownPages > 1 || page > 1 || hasNext;
  const position = multiplePages
    ? totalIsLowerBound
      ? `page ${formatCount(page)} of ${formatCount(Math.max(knownPages, page))} or more`
      : `page ${formatCount(page)} of ${formatCount(knownPages)}`
    : null;
  return { count, position, hasPrevious: page > 1, hasNext };
}
