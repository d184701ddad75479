import type { DiffPart } from "@/lib/reports/text-diff";
import { DiffRefresh } from "./diff-refresh";

/**
 * What changed between two versions of a report: the words removed (struck through, in a
 * <del>) and added (underlined, in an <ins>), each also named in text for screen readers,
 * so that the change never rests on colour alone. Used on the report page and in lists of
 * reports to sign off; it takes the stored comparison as it is (db/queries/report-diffs).
 */

export type ReportDiffProps = {
  fromVersion: number;
  toVersion: number;
  state: "pending" | "ready" | "failed" | "missing";
  changed: boolean | null;
  wordsAdded: number | null;
  wordsRemoved: number | null;
  parts: DiffPart[];
  partial: boolean;
  failureReason: string | null;
  /** A heading level for the title (2 on a page, 3 inside a list). */
  headingLevel?: 2 | 3;
  /** While the comparison is running, reload the page's data now and then. */
  refreshWhilePending?: boolean;
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function ReportDiff(props: ReportDiffProps) {
  const { fromVersion, toVersion, state, headingLevel = 2 } = props;
  const Heading = headingLevel === 2 ? "h2" : "h3";
  const headingId = `report-diff-${fromVersion}-${toVersion}`;
  return (
    <section
      aria-labelledby={headingId}
      data-testid="report-diff"
      className="mb-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <Heading id={headingId} className="mb-2 text-lg font-semibold">
        What changed from version {fromVersion} to version {toVersion}
      </Heading>
      {state === "pending" || state === "missing" ? (
        <p role="status" className="text-sm text-slate-700">
          The two versions are being compared. This takes a moment.
          {props.refreshWhilePending ? <DiffRefresh /> : null}
        </p>
      ) : state === "failed" ? (
        <p className="text-sm text-slate-700">{props.failureReason ?? "The versions could not be compared."}</p>
      ) : !props.changed ? (
        <p className="text-sm text-slate-700">
          <strong>No text changes.</strong> The words are the same; only the layout of the document changed.
        </p>
      ) : (
        <>
          <p className="mb-2 text-sm text-slate-700">
            {plural(props.wordsAdded ?? 0, "word")} added, {plural(props.wordsRemoved ?? 0, "word")} removed.{" "}
            <span className="whitespace-nowrap">
              <del className="rounded bg-red-100 px-0.5 text-red-900 line-through">Removed</del> text is struck through,
            </span>{" "}
            <span className="whitespace-nowrap">
              <ins className="rounded bg-emerald-100 px-0.5 text-emerald-900 underline">added</ins> text is underlined.
            </span>
          </p>
          <p
            data-testid="report-diff-text"
            className="max-h-96 overflow-auto rounded border border-slate-200 bg-slate-50 p-3 font-serif text-sm leading-relaxed break-words"
          >
            {props.parts.map((part, index) =>
              part.op === "added" ? (
                <ins key={index} className="rounded bg-emerald-100 px-0.5 text-emerald-900 underline">
                  <span className="sr-only">[added: </span>
                  {part.text}
                  <span className="sr-only">]</span>
                </ins>
              ) : part.op === "removed" ? (
                <del key={index} className="rounded bg-red-100 px-0.5 text-red-900 line-through">
                  <span className="sr-only">[removed: </span>
                  {part.text}
                  <span className="sr-only">]</span>
                </del>
              ) : part.op === "skipped" ? (
                <span key={index} className="mx-1 text-slate-600 italic">
                  [… {plural(part.chars, "unchanged character")} …]
                </span>
              ) : (
                <span key={index}>{part.text}</span>
              ),
            )}
          </p>
          {props.partial ? (
            <p className="mt-2 text-sm text-slate-700">
              Not every change is shown: the reports are long. Compare the PDFs themselves for the rest.
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}
