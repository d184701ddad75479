/** Bulk upload with a manifest: parse, check and summarise. Pure: used by the browser and the server. */
export {
  columnForHeader,
  columnSpecs,
  headerKey,
  manifestColumns,
  manifestTemplateCsv,
  type ManifestColumn,
} from "./columns";
export {
  checkManifest,
  type EarlierUpload,
  type ExistingPatient,
  type ManifestCheck,
  type ManifestFacts,
  type ManifestFile,
} from "./check";
export { describePerson, differingField, type PersonDetails } from "./demographics";
export {
  MAX_MANIFEST_ROWS,
  manifestFromTable,
  parseManifestCsv,
  parseManifestFile,
  parseManifestXlsx,
  type ParsedManifest,
  type RawManifestRow,
} from "./parse";
export { checkPdfBytes, sizeProblem, type FileProblem, type FileProblemCode } from "./pdf-bytes";
export { sortProblems, type ManifestProblem, type ManifestProblemCode } from "./problems";
export { baseName, checkRow, dateProblem, manifestRowSchema, type ManifestRow } from "./rows";
export {
  HELD_STATUS,
  countOutcomes,
  manifestSummaryCsv,
  storedOutcome,
  type RowOutcome,
  type SummaryCounts,
} from "./summary";
export type { ManifestCheckResult, ManifestFileResult } from "./results";
